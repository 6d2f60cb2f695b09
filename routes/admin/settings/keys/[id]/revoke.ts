// POST /admin/settings/keys/:id/revoke: revokes an API key (it stops working at once) and goes
// back to Settings with a notice. An unknown or already revoked key is a 404 / no-op notice.
import { assertWritable, readForm, redirectWithNotice } from "../../../../../lib/admin/forms.ts";
import { revokeApiKey } from "../../../../../lib/auth/api_keys.ts";
import { HttpError } from "../../../../../lib/http_error.ts";
import type { Ctx } from "../../../../../lib/state.ts";

export const handler = {
  async POST(ctx: Ctx) {
    assertWritable(ctx);
    await readForm(ctx);
    const raw = ctx.params.id;
    const id = /^\d{1,15}$/.test(raw) ? Number(raw) : 0;
    const outcome = id > 0 ? await revokeApiKey(ctx.state.services, id) : "not_found";
    if (outcome === "not_found") throw new HttpError(404, "not_found", `No API key ${raw}`);
    return redirectWithNotice("/admin/settings", "key_revoked");
  },
};
