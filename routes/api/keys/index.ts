// GET /api/keys: every API key (name, prefix, scope, created, last used, revoked) — never a key's
// text. POST /api/keys {name, scope: "read" | "write"}: creates one → 201 {created, key, api_key};
// `key` is shown this once. Only with an admin session or ECHELON_SECRET: the API middleware
// refuses every API key here (a key cannot mint keys), public mode refuses it all.
import {
  assertKeyManagement,
  createApiKey,
  listApiKeys,
  MAX_LIVE_KEYS,
} from "../../../lib/auth/api_keys.ts";
import { createKey } from "../../../lib/api/operations/keys.ts";
import { readBody } from "../../../lib/api/validate.ts";
import { readJsonCapped } from "../../../lib/http_body.ts";
import { HttpError } from "../../../lib/http_error.ts";
import type { Ctx } from "../../../lib/state.ts";

const MAX_BODY_BYTES = 4096;

export const handler = {
  async GET(ctx: Ctx) {
    assertKeyManagement(ctx.state.services.config);
    return Response.json(await listApiKeys(ctx.state.services));
  },

  async POST(ctx: Ctx) {
    assertKeyManagement(ctx.state.services.config);
    const body = await readJsonCapped(ctx.req, MAX_BODY_BYTES);
    const { name, scope } = readBody(createKey, body);
    const outcome = await createApiKey(ctx.state.services, { name, scope });
    if (outcome.kind === "too_many") {
      throw new HttpError(
        409,
        "too_many_keys",
        `At most ${MAX_LIVE_KEYS} API keys may be live at once: revoke one first`,
      );
    }
    return Response.json(
      { created: outcome.info.id, key: outcome.key, api_key: outcome.info },
      { status: 201, headers: { "cache-control": "no-store" } },
    );
  },
};
