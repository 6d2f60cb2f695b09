// DELETE /api/keys/:id: revokes a key → 200 {revoked}; it stops working at once (401). 404 for an
// unknown id, 409 when it was already revoked. Same access rules as /api/keys.
import { revokeKey } from "../../../lib/api/operations/keys.ts";
import { readParams } from "../../../lib/api/validate.ts";
import { assertKeyManagement, revokeApiKey } from "../../../lib/auth/api_keys.ts";
import { HttpError } from "../../../lib/http_error.ts";
import type { Ctx } from "../../../lib/state.ts";

export const handler = {
  async DELETE(ctx: Ctx) {
    assertKeyManagement(ctx.state.services.config);
    const { id } = readParams(revokeKey, ctx.params);
    switch (await revokeApiKey(ctx.state.services, id)) {
      case "not_found":
        throw new HttpError(404, "not_found", `No API key ${id}`);
      case "already_revoked":
        throw new HttpError(409, "conflict", `API key ${id} is already revoked`);
      case "revoked":
        return Response.json({ revoked: id });
    }
  },
};
