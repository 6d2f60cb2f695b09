// Access to /api/*: health is public; public mode allows reads and refuses every write with
// 403 read_only (no exceptions, fixing W12). Otherwise a request needs either the bearer token
// (ECHELON_SECRET, when set) or a valid admin session cookie; cookie-authenticated writes must
// also pass the CSRF origin check (bearer requests cannot be forged cross-site, so they skip it).
// A scoped API key (`Bearer ek_…`, lib/auth/api_keys.ts) is the third way in: a read key may only
// read, a write key may also write, and no key may manage keys (/api/keys).
import {
  bearerToken,
  invalidKeyResponse,
  isApiKeyToken,
  keyScopeRefusal,
  verifyApiKey,
} from "../../lib/auth/api_keys.ts";
import { bearerMatches } from "../../lib/auth/bearer.ts";
import { adminCredentials } from "../../lib/auth/credentials.ts";
import { csrfRefusal, isSameOriginRequest, isUnsafeMethod } from "../../lib/auth/csrf.ts";
import { sessionForRequest } from "../../lib/auth/sessions.ts";
import { jsonError } from "../../lib/http_error.ts";
import type { Ctx } from "../../lib/state.ts";

// Nanolytica's collect endpoint is a tracking endpoint (like /b.gif and /e), open to any page.
export const PUBLIC_PATHS: ReadonlySet<string> = new Set(["/api/health", "/api/analytics/collect"]);

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
  const authorization = ctx.req.headers.get("authorization");
  if (bearerMatches(authorization, config.secret)) return ctx.next();
  const token = bearerToken(authorization);
  if (token !== null && isApiKeyToken(token)) {
    const verdict = verifyApiKey(services, token);
    if (!verdict.ok) return invalidKeyResponse(verdict.reason);
    return keyScopeRefusal(verdict.key, ctx.req.method, path) ?? ctx.next();
  }
  const session = sessionForRequest(services, ctx.req);
  if (session) {
    if (isUnsafeMethod(ctx.req.method) && !isSameOriginRequest(ctx, config)) {
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
      ? "Authentication required: a bearer token (ECHELON_SECRET or an API key) or an admin session"
      : "Auth must be configured: set ECHELON_SECRET for a bearer token, or ECHELON_USERNAME " +
        "and ECHELON_PASSWORD_HASH to sign in",
    { "www-authenticate": 'Bearer realm="echelon"' },
  );
}
