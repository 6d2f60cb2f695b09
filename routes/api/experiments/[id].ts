// /api/experiments/:id — GET one experiment with its variants. PATCH {status, from?} moves it
// through the state machine (draft → active → paused | completed, paused → active | completed,
// completed → archived; `from` makes it apply only from the status the caller saw); PATCH with
// definition fields edits a draft (both may come together: edit, then move). DELETE removes a
// draft. 404 unknown id; 409 refused transition, lost race or not a draft.
import { MAX_BODY_BYTES, touchesDefinition } from "../../../lib/experiments/definition.ts";
import {
  changeStatus,
  deleteExperiment,
  editDraft,
  parseStatus,
  requireExperiment,
} from "../../../lib/experiments/mod.ts";
import { getExperiment } from "../../../lib/api/operations/experiments.ts";
import { readParams } from "../../../lib/api/validate.ts";
import { readJsonCapped } from "../../../lib/http_body.ts";
import { HttpError } from "../../../lib/http_error.ts";
import type { Ctx } from "../../../lib/state.ts";

export const handler = {
  GET(ctx: Ctx) {
    const { id } = readParams(getExperiment, ctx.params);
    return Response.json(requireExperiment(ctx.state.services.db, id));
  },

  async PATCH(ctx: Ctx) {
    const { db, now } = ctx.state.services;
    const { id } = readParams(getExperiment, ctx.params);
    requireExperiment(db, id);
    const body = await readJsonCapped(ctx.req, MAX_BODY_BYTES);
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      throw new HttpError(400, "invalid_payload", "Expected a JSON object {status, from?}");
    }
    const input = body as Record<string, unknown>;
    const edits = touchesDefinition(input);
    const hasStatus = input.status !== undefined;
    if (!edits && !hasStatus) {
      throw new HttpError(
        400,
        "invalid_payload",
        "Nothing to change: send {status} or definition fields (a draft only)",
      );
    }
    // Validate everything before writing anything.
    const to = hasStatus ? parseStatus(input.status) : null;
    const expected = input.from === undefined || input.from === null
      ? undefined
      : parseStatus(input.from, "from");
    // An edit and a move together apply both or neither.
    const { experiment, notes } = db.transaction(() => {
      let notes: string[] = [];
      if (edits) {
        const { status: _status, from: _from, ...definition } = input;
        notes = editDraft(db, id, definition).notes;
      }
      const experiment = to === null
        ? requireExperiment(db, id)
        : changeStatus(db, { id, to, expected, now: now() });
      return { experiment, notes };
    });
    if (edits) ctx.state.services.collect.refreshExperiments();
    return Response.json({ updated: id, experiment, notes });
  },

  DELETE(ctx: Ctx) {
    const { id } = readParams(getExperiment, ctx.params);
    deleteExperiment(ctx.state.services.db, id);
    return Response.json({ deleted: id });
  },
};
