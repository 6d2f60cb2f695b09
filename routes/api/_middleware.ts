// Access to /api/*: health is public; public mode allows reads and refuses every write with
// 403 read_only; otherwise a bearer token (ECHELON_SECRET) is required.
import { bearerMatches } from "../../lib/auth/bearer.ts";
import { jsonError } from "../../lib/http_error.ts";
import type { Ctx } from "../../lib/state.ts";

const PUBLIC_PATHS = new Set(["/api/health"]);
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function handler(ctx: Ctx): Response | Promise<Response> {
  const { config } = ctx.state.services;
  const path = ctx.url.pathname.replace(/\/+$/, "");
  if (PUBLIC_PATHS.has(path)) return ctx.next();
  if (config.publicMode) {
    if (SAFE_METHODS.has(ctx.req.method)) return ctx.next();
    return jsonError(
      403,
      "read_only",
      "This is a public read-only instance. Data cannot be modified.",
    );
  }
  if (bearerMatches(ctx.req.headers.get("authorization"), config.secret)) return ctx.next();
  const configured = config.secret !== "" || config.username !== "";
  return jsonError(
    401,
    "unauthorized",
    configured ? "Authentication required" : "Auth must be configured (set ECHELON_SECRET)",
    { "www-authenticate": 'Bearer realm="echelon"' },
  );
}
