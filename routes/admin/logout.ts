// POST /admin/logout: ends this device's session (other devices stay signed in), clears the
// cookie and returns to the login page. The admin middleware already required the session and
// checked the request's origin (CSRF), so a foreign page cannot sign the admin out.
import { LOGIN_PATH } from "../../lib/auth/redirect.ts";
import {
  clearedSessionCookie,
  closeSession,
  isSecureCookieRequest,
} from "../../lib/auth/sessions.ts";
import type { Ctx } from "../../lib/state.ts";

export const handler = {
  async POST(ctx: Ctx) {
    const services = ctx.state.services;
    await closeSession(services, ctx.req);
    const secure = isSecureCookieRequest(services.config, ctx);
    return new Response(null, {
      status: 303,
      headers: { location: LOGIN_PATH, "set-cookie": clearedSessionCookie(secure) },
    });
  },
};
