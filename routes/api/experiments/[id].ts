// /api/experiments/:id — GET one experiment with its variants. PATCH {status, from?} moves it
// through the state machine (draft → active → paused | completed, paused → active | completed,
// completed → archived; `from` makes it apply only from the status the caller saw); PATCH with
// definition fields edits a draft (both may come together: edit, then move). DELETE removes a
// draft. 404 unknown id; 409 refused transition, lost race or not a draft.
import { MAX_BODY_BYTES, touchesDefinition } from "../../../lib/experiments/definition.ts";
import {
  changeStatus,
  deleteExperiment,
  editAndMove,
  type Experiment,
  requireExperiment,
} from "../../../lib/experiments/mod.ts";
import { getExperiment, updateExperiment } from "../../../lib/api/operations/experiments.ts";
import { readBody, readParams } from "../../../lib/api/validate.ts";
import { readJsonCapped } from "../../../lib/http_body.ts";
import type { Ctx } from "../../../lib/state.ts";

export const handler = {
  async GET(ctx: Ctx) {
    const { id } = readParams(getExperiment, ctx.params);
    return Response.json(await requireExperiment(ctx.state.services.store, id));
  },

  async PATCH(ctx: Ctx) {
    const { store, now } = ctx.state.services;
    const { id } = readParams(getExperiment, ctx.params);
    await requireExperiment(store, id);
    const body = await readJsonCapped(ctx.req, MAX_BODY_BYTES);
    // Validate everything before writing anything: the move, and each field given (the edit is
    // checked again as a whole once merged over the stored definition, in editAndMove).
    const change = readBody(updateExperiment, body);
    const input = body as Record<string, unknown>;
    const edits = touchesDefinition(input);
    const to = change.status ?? null;
    const expected = change.from ?? undefined;
    const move = to === null ? null : { to, expected, now: now() };
    let written: { experiment: Experiment; notes: string[] };
    if (edits) {
      // An edit and a move together apply both or neither (one store operation).
      const { status: _status, from: _from, ...definition } = input;
      written = await editAndMove(store, id, definition, move);
    } else {
      const experiment = move === null
        ? await requireExperiment(store, id)
        : await changeStatus(store, { id, ...move });
      written = { experiment, notes: [] };
    }
    const { experiment, notes } = written;
    if (edits) await ctx.state.services.collect.refreshExperiments();
    return Response.json({ updated: id, experiment, notes });
  },

  async DELETE(ctx: Ctx) {
    const { id } = readParams(getExperiment, ctx.params);
    await deleteExperiment(ctx.state.services.store, id);
    return Response.json({ deleted: id });
  },
};
