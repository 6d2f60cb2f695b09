// CSRF defence for cookie-authenticated writes (/api/* and /admin/*): the browser-set Origin
// header (or, without it, the Referer) must name this server's host. Browsers send Origin on every
// cross-origin and on same-origin non-GET fetches and form posts (Fetch standard, "origin header"
// serialisation), so a forged cross-site form or fetch always carries the attacker's origin.
// Bearer requests are exempt: a token in a header cannot be attached by another site.
import type { Config } from "../config.ts";
import { jsonError } from "../http_error.ts";
import { publicOrigin, type RequestSource } from "../public_origin.ts";

export const SAFE_METHODS: ReadonlySet<string> = new Set(["GET", "HEAD", "OPTIONS"]);

export function isUnsafeMethod(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase());
}

export type OriginVerdict = "same" | "missing" | "foreign";

/**
 * Whether the request's Origin (else Referer) names the host this request was sent to: the Host
 * header, or the forwarded host behind a trusted proxy. Ports count; the scheme does not, because
 * a TLS-terminating proxy makes an https page post to an http listener.
 */
export function requestOriginVerdict(
  request: RequestSource,
  config: Pick<Config, "trustProxy">,
): OriginVerdict {
  const { req, url } = request;
  const source = req.headers.get("origin") || req.headers.get("referer");
  if (!source) return "missing";
  let host: string;
  try {
    const parsed = new URL(source);
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return "foreign";
    host = parsed.host.toLowerCase();
  } catch {
    // `Origin: null` (sandboxed frames, some redirects) and garbage land here.
    return "foreign";
  }
  const expected = new Set([
    url.host.toLowerCase(),
    new URL(publicOrigin(request, config)).host.toLowerCase(),
  ]);
  return expected.has(host) ? "same" : "foreign";
}

/** The check for cookie-authenticated unsafe requests: a missing origin fails too. */
export function isSameOriginRequest(
  request: RequestSource,
  config: Pick<Config, "trustProxy">,
): boolean {
  return requestOriginVerdict(request, config) === "same";
}

export function csrfRefusal(): Response {
  return jsonError(
    403,
    "csrf",
    "Cross-site request refused: the Origin (or Referer) header must match this server",
  );
}
