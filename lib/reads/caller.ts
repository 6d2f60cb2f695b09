// Who a request reads as (lib/reads/mod.ts): a request in public mode's view (no valid
// credentials: `ctx.state.publicMode`, set by the middleware) is anonymous and keyed by client
// (IPv4 address or IPv6 /64), with the stricter budget and the per-client limit on heavy reads;
// a signed-in admin, the bearer token or an API key is authenticated and keyed by that identity.
// `readerFor` is what routes and pages call.
import { bearerMatches } from "../auth/bearer.ts";
import { clientIp, clientKey } from "../ingest/client_ip.ts";
import type { Ctx } from "../state.ts";
import type { ReadCaller, Reader } from "./mod.ts";

const readers = new WeakMap<Request, Reader>();

/** The reader of this request: its caller, its budget, and its client's going away. */
export function readerFor(ctx: Ctx): Reader {
  let reader = readers.get(ctx.req);
  if (!reader) {
    reader = ctx.state.services.reads.forRequest({
      caller: readCaller(ctx),
      signal: ctx.req.signal,
    });
    readers.set(ctx.req, reader);
  }
  return reader;
}

export function readCaller(ctx: Ctx): ReadCaller {
  const services = ctx.state.services;
  const { config } = services;
  if (ctx.state.publicMode) {
    const ip = clientIp(ctx.req.headers, ctx.remoteAddr, config);
    return { key: `ip:${clientKey(ip)}`, anonymous: true };
  }
  if (ctx.state.username !== null) return { key: `user:${ctx.state.username}`, anonymous: false };
  const authorization = ctx.req.headers.get("authorization");
  if (bearerMatches(authorization, config.secret)) return { key: "bearer", anonymous: false };
  // The /api middleware verified the key (routes/api/_middleware.ts).
  if (ctx.state.apiKeyId !== null) return { key: `key:${ctx.state.apiKeyId}`, anonymous: false };
  // The middleware let only authenticated requests this far.
  return { key: "authenticated", anonymous: false };
}
