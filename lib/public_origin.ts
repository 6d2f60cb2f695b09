// The origin browsers reach this server at (scheme and host). X-Forwarded-Proto/-Host count only
// when the connection's peer is a trusted proxy (ECHELON_TRUST_PROXY, docs/architecture.md,
// decision 1); otherwise the request URL, whose host is the Host header, is the truth. Used for the
// tracker's origin, the session cookie's Secure flag and the CSRF origin check.
import type { Config } from "./config.ts";
import { isTrustedProxy } from "./ingest/client_ip.ts";

/** What a route context carries about the request and its connection. */
export interface RequestSource {
  readonly req: Request;
  readonly url: URL;
  /** The TCP peer (a route's `ctx.remoteAddr`). */
  readonly remoteAddr: string;
}

type ProxyConfig = Pick<Config, "trustProxy">;

const HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

export function publicOrigin(source: RequestSource, config: ProxyConfig): string {
  const { req, url, remoteAddr } = source;
  const trusted = isTrustedProxy(remoteAddr, config);
  const proto = (trusted && forwardedProto(req.headers)) || url.protocol.slice(0, -1);
  const forwardedHost = trusted ? forwardedValue(req.headers, "x-forwarded-host") : undefined;
  const host = forwardedHost && HOST.test(forwardedHost) ? forwardedHost : url.host;
  return `${proto}://${host}`;
}

/** Whether the browser used HTTPS: the URL's scheme, or X-Forwarded-Proto from a trusted proxy. */
export function isHttpsRequest(
  headers: Headers,
  requestUrl: string,
  remoteAddr: string,
  config: ProxyConfig,
): boolean {
  const proto = (isTrustedProxy(remoteAddr, config) && forwardedProto(headers)) ||
    requestUrl.slice(0, requestUrl.indexOf(":"));
  return proto === "https";
}

function forwardedProto(headers: Headers): "http" | "https" | null {
  const value = forwardedValue(headers, "x-forwarded-proto")?.toLowerCase();
  return value === "http" || value === "https" ? value : null;
}

/**
 * The first value of a forwarding header: the one the outermost proxy set (Express's reading,
 * for a chain whose proxies append). Callers have checked the peer is trusted.
 */
function forwardedValue(headers: Headers, name: string): string | undefined {
  return headers.get(name)?.split(",")[0].trim() || undefined;
}
