// Access to /api/*: health and the OpenAPI document are public; public mode refuses every write
// with 403 read_only (no exceptions, fixing W12; a POST that only reads, the query API, is a
// read) and answers anonymous reads with public mode's view (lib/public: the routes it lists,
// reduced to their aggregate fields; anything else 403 not_public). Otherwise a request needs either the bearer token (ECHELON_SECRET, when set) or a
// valid admin session cookie; cookie-authenticated writes must also pass the CSRF origin check
// (bearer requests cannot be forged cross-site, so they skip it). A scoped API key (`Bearer ek_…`,
// lib/auth/api_keys.ts) is the third way in: a read key may only read, a write key may also
// write, and no key may manage keys (/api/keys). Those credentials read everything in public
// mode too, as on a private instance.
import {
  bearerToken,
  invalidKeyResponse,
  isApiKeyToken,
  keyScopeRefusal,
  verifyApiKey,
} from "../../lib/auth/api_keys.ts";
import { bearerMatches } from "../../lib/auth/bearer.ts";
import { OPENAPI_PATH } from "../../lib/api/mod.ts";
import { READ_ONLY_POSTS } from "../../lib/api/operations/query.ts";
import { adminCredentials } from "../../lib/auth/credentials.ts";
import { csrfRefusal, isSameOriginRequest, isUnsafeMethod } from "../../lib/auth/csrf.ts";
import { sessionForRequest } from "../../lib/auth/sessions.ts";
import { jsonError } from "../../lib/http_error.ts";
import { publicApiRead } from "../../lib/public/mod.ts";
import type { Ctx } from "../../lib/state.ts";

// Nanolytica's collect endpoint is a tracking endpoint (like /b.gif and /e), open to any page; the
// OpenAPI document is the code's contract, the same for every instance.
export const PUBLIC_PATHS: ReadonlySet<string> = new Set([
  "/api/health",
  "/api/analytics/collect",
  OPENAPI_PATH,
]);

export async function handler(ctx: Ctx): Promise<Response> {
  const { config } = ctx.state.services;
  const path = ctx.url.pathname.replace(/\/+$/, "");
  if (config.publicMode) return await publicModeAccess(ctx, path);
  if (PUBLIC_PATHS.has(path)) return await ctx.next();
  const verdict = await credentials(ctx, path);
  if (verdict.kind === "none") return await unauthorized(ctx);
  if (verdict.kind === "refused") return verdict.response;
  ctx.state.username = verdict.username;
  ctx.state.apiKeyId = verdict.apiKeyId;
  return await ctx.next();
}

/**
 * Public mode: writes are refused (the tracking endpoints of PUBLIC_PATHS keep collecting); a
 * read with valid credentials sees what it would on a private instance, and any other read (no
 * credentials, or invalid ones) gets the public view.
 */
async function publicModeAccess(ctx: Ctx, path: string): Promise<Response> {
  if (isUnsafeMethod(ctx.req.method) && !READ_ONLY_POSTS.has(path)) {
    if (PUBLIC_PATHS.has(path)) return ctx.next();
    return jsonError(
      403,
      "read_only",
      "This is a public read-only instance. Data cannot be modified.",
    );
  }
  if (path === OPENAPI_PATH) return ctx.next();
  const verdict = await credentials(ctx, path);
  if (verdict.kind !== "ok") return publicApiRead(ctx);
  ctx.state.publicMode = false;
  ctx.state.username = verdict.username;
  ctx.state.apiKeyId = verdict.apiKeyId;
  return ctx.next();
}

type Verdict =
  | { kind: "none" }
  | { kind: "refused"; response: Response }
  | { kind: "ok"; username: string | null; apiKeyId: number | null };

/** What the request's credentials allow: none carried, refused (with why), or accepted. */
async function credentials(ctx: Ctx, path: string): Promise<Verdict> {
  const services = ctx.state.services;
  const { config } = services;
  const authorization = ctx.req.headers.get("authorization");
  if (bearerMatches(authorization, config.secret)) {
    return { kind: "ok", username: null, apiKeyId: null };
  }
  const token = bearerToken(authorization);
  if (token !== null && isApiKeyToken(token)) {
    const verdict = await verifyApiKey(services, token);
    if (!verdict.ok) return { kind: "refused", response: invalidKeyResponse(verdict.reason) };
    const refused = keyScopeRefusal(verdict.key, ctx.req.method, path);
    return refused
      ? { kind: "refused", response: refused }
      : { kind: "ok", username: null, apiKeyId: verdict.key.id };
  }
  const session = await sessionForRequest(services, ctx.req);
  if (!session) return { kind: "none" };
  if (isUnsafeMethod(ctx.req.method) && !isSameOriginRequest(ctx, config)) {
    return { kind: "refused", response: csrfRefusal() };
  }
  return { kind: "ok", username: session.username, apiKeyId: null };
}

async function unauthorized(ctx: Ctx): Promise<Response> {
  const services = ctx.state.services;
  const { config } = services;
  const configured = config.secret !== "" || (await adminCredentials(services)) !== null;
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
