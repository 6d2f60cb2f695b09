// GET /api/debug: {debug, envOverride, locked}. POST /api/debug {enabled: boolean}: the admin's
// run-time debug switch (the same one as Settings): drop reasons in the x-echelon-drop header and
// in the server log (rate limited), and the tracker's debug build (console tracing) from /ea.js.
// It applies at once on this instance and within the cache refresh (30 s) on others; browsers may
// keep the previous /ea.js for its max-age (5 min). 409 locked when ECHELON_DEBUG=true; 403
// read_only in public mode; 403 insufficient_scope for API keys (admin session or ECHELON_SECRET).
import { assertWritable } from "../../lib/admin/forms.ts";
import { ADMIN_SETTING_KEYS } from "../../lib/admin/setting_keys.ts";
import { assertInstanceAdmin } from "../../lib/auth/instance_admin.ts";
import { setDebug } from "../../lib/api/operations/instance.ts";
import { readBody } from "../../lib/api/validate.ts";
import { readJsonCapped } from "../../lib/http_body.ts";
import { HttpError } from "../../lib/http_error.ts";
import type { Ctx } from "../../lib/state.ts";

export const handler = {
  GET(ctx: Ctx) {
    const { config, collect } = ctx.state.services;
    return Response.json({
      debug: collect.caches.debug,
      envOverride: config.debug ? "on" : null,
      locked: config.debug,
    });
  },

  async POST(ctx: Ctx) {
    assertWritable(ctx);
    assertInstanceAdmin(ctx);
    const { config, collect, now, store } = ctx.state.services;
    const body = readBody(setDebug, await readJsonCapped(ctx.req, 1024));
    if (config.debug) {
      throw new HttpError(
        409,
        "locked",
        "ECHELON_DEBUG=true is set in the server's environment; unset it to switch debug here",
      );
    }
    await store.settings.set({ [ADMIN_SETTING_KEYS.debug]: String(body.enabled) });
    await collect.caches.refresh(store, now());
    return Response.json({ debug: collect.caches.debug });
  },
};
