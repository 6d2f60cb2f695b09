// Access to /api/*: health is public; public mode allows reads and refuses every write with
// 403 read_only (no exceptions, fixing W12). Otherwise a request needs either the bearer token
// (ECHELON_SECRET, when set) or a valid admin session cookie; cookie-authenticated writes must
// also pass the CSRF origin check (bearer requests cannot be forged cross-site, so they skip it).
import { bearerMatches } from "../../lib/auth/bearer.ts";
import { adminCredentials } from "../../lib/auth/credentials.ts";
import { csrfRefusal, isSameOriginRequest, isUnsafeMethod } from "../../lib/auth/csrf.ts";
import { sessionForRequest } from "../../lib/auth/sessions.ts";
import { jsonError } from "../../lib/http_error.ts";
import type { Ctx } from "../../lib/state.ts";

// Nanolytica's collect endpoint is a tracking endpoint (like /b.gif and /e), open to any page.
const PUBLIC_PATHS = new Set(["/api/health", "/api/analytics/collect"]);

export function handler(ctx: Ctx): Response | Promise<Response> {
  const services = ctx.state.services;
  const { config } = services;
  const path = ctx.url.pathname.replace(/\/+$/, "");
  if (PUBLIC_PATHS.has(path)) return ctx.next();
  if (config.publicMode) {
    if (!isUnsafeMethod(ctx.req.method)) return ctx.next();
    return jsonError(
      403,
      "read_only",
      "This is a public read-only instance. Data cannot be modified.",
    );
  }
  if (bearerMatches(ctx.req.headers.get("authorization"), config.secret)) return ctx.next();
  const session = sessionForRequest(services, ctx.req);
  if (session) {
    if (isUnsafeMethod(ctx.req.method) && !isSameOriginRequest(ctx.req, ctx.url, config)) {
      return csrfRefusal();
    }
    ctx.state.username = session.username;
    return ctx.next();
  }
  const configured = config.secret !== "" || adminCredentials(config, services.db) !== null;
  return jsonError(
    401,
    "unauthorized",
    configured
      ? "Authentication required: a bearer token (ECHELON_SECRET) or an admin session"
      : "Auth must be configured: set ECHELON_SECRET for a bearer token, or ECHELON_USERNAME " +
        "and ECHELON_PASSWORD_HASH to sign in",
    { "www-authenticate": 'Bearer realm="echelon"' },
  );
}
