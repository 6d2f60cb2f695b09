// The origin browsers reach this server at (scheme and host). Forwarding headers count only
// behind a trusted proxy (ECHELON_TRUST_PROXY, DESIGN decision 1); otherwise the request URL,
// whose host is the Host header, is the truth. Used for the tracker's origin, the session
// cookie's Secure flag and the CSRF origin check.
import type { Config } from "./config.ts";

const HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

export function publicOrigin(
  url: URL,
  headers: Headers,
  config: Pick<Config, "trustProxy">,
): string {
  let proto = url.protocol.slice(0, -1);
  let host = url.host;
  if (config.trustProxy) {
    const forwardedProto = headers.get("x-forwarded-proto")?.split(",")[0].trim().toLowerCase();
    if (forwardedProto === "http" || forwardedProto === "https") proto = forwardedProto;
    const forwardedHost = headers.get("x-forwarded-host")?.split(",")[0].trim();
    if (forwardedHost && HOST.test(forwardedHost)) host = forwardedHost;
  }
  return `${proto}://${host}`;
}
