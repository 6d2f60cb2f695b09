// Access to /admin/*: every page but /admin/login needs a valid session cookie (otherwise 303 to
// the login page, which returns here afterwards); cookie-authenticated writes pass the CSRF
// origin check. Public mode has no login at all: every write is refused, and only the pages
// lib/public/policy.ts lists are served (each in its read-only, aggregates-only variant); the
// others answer 403 not_public. Puts `username`, the display time zone and what the admin frame
// shows of the sites (lib/admin/frame.ts, fetchFrameSites) into ctx.state for the pages.
import { fetchFrameSites, type FrameSiteLookups } from "../../lib/admin/frame.ts";
import { wantsLiveJson } from "../../lib/admin/live_panel.ts";
import { displayTimezone } from "../../lib/admin/settings.ts";
import { csrfRefusal, isSameOriginRequest, isUnsafeMethod } from "../../lib/auth/csrf.ts";
import { LOGIN_PATH, loginUrlFor } from "../../lib/auth/redirect.ts";
import {
  clearedSessionCookie,
  isSecureCookieRequest,
  sessionForRequest,
  sessionToken,
} from "../../lib/auth/sessions.ts";
import { normalizePath } from "../../lib/fresh/route_path.ts";
import { jsonError } from "../../lib/http_error.ts";
import { assertPublicPage } from "../../lib/public/mod.ts";
import type { Ctx } from "../../lib/state.ts";

export async function handler(ctx: Ctx): Promise<Response> {
  const services = ctx.state.services;
  const { config } = services;
  ctx.state.timezone = await displayTimezone(services);
  if (config.publicMode) {
    if (isUnsafeMethod(ctx.req.method)) {
      return jsonError(403, "read_only", "This is a public read-only instance.");
    }
    assertPublicPage(ctx);
    ctx.state.frameSites = await frameSites(ctx);
    return varyOnAccept(await ctx.next());
  }
  // The login page checks the session itself (to skip the form when already signed in).
  if (normalizePath(ctx.url.pathname) === LOGIN_PATH) return ctx.next();

  const session = await sessionForRequest(services, ctx.req);
  if (!session) {
    const headers = new Headers({ location: loginUrlFor(ctx.url) });
    if (sessionToken(ctx.req) !== null) {
      // An ended session's cookie is useless; drop it so the browser stops sending it.
      headers.set(
        "set-cookie",
        clearedSessionCookie(isSecureCookieRequest(config, ctx)),
      );
    }
    return new Response(null, { status: 303, headers });
  }
  if (isUnsafeMethod(ctx.req.method) && !isSameOriginRequest(ctx, config)) {
    return csrfRefusal();
  }
  ctx.state.username = session.username;
  ctx.state.frameSites = await frameSites(ctx);
  const response = await ctx.next();
  // Signed-in pages must not be kept by shared caches or the back-forward cache after logout.
  try {
    if (!response.headers.has("cache-control")) {
      response.headers.set("cache-control", "private, no-store");
    }
  } catch {
    // Response.redirect() headers are immutable; a redirect carries nothing worth caching.
  }
  return response;
}

/** What the admin frame shows (the live panel's JSON poll shows no frame: no live figures). */
function frameSites(ctx: Ctx): Promise<FrameSiteLookups> {
  const { store, now } = ctx.state.services;
  return fetchFrameSites(store, ctx.url, now(), { live: !wantsLiveJson(ctx.req) });
}

/**
 * Public pages may be kept by shared caches, and the dashboard's and realtime page's URLs also
 * answer their live panel's JSON to a poll that asks for it (lib/admin/live_panel.ts
 * wantsLiveJson): a cache must keep the two apart.
 */
function varyOnAccept(response: Response): Response {
  try {
    const vary = response.headers.get("vary") ?? "";
    if (!/(^|,)\s*accept\s*(,|$)/i.test(vary)) response.headers.append("vary", "Accept");
  } catch {
    // Response.redirect() headers are immutable; a redirect's answer does not depend on Accept.
  }
  return response;
}
