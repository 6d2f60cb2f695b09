// Security headers for every routed response, and a strict CSP for HTML: scripts only from our
// origin (no 'unsafe-inline': the theme and boot code are external files), no framing.
import type { HeaderList } from "./cors.ts";

/** What every routed response carries (plus the CSP when it is HTML). */
export const SECURITY_HEADERS: HeaderList = [
  ["x-content-type-options", "nosniff"],
  ["x-frame-options", "DENY"],
  ["referrer-policy", "strict-origin-when-cross-origin"],
];

export function contentSecurityPolicy(devOrigin = ""): string {
  const dev = devOrigin ? ` ${devOrigin} ${devOrigin.replace(/^http/, "ws")}` : "";
  return [
    "default-src 'self'",
    `script-src 'self'${dev}`,
    `style-src 'self'${dev}`,
    "img-src 'self' data:",
    `connect-src 'self'${dev}`,
    "font-src 'self'",
    "object-src 'none'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
  ].join("; ");
}

export function applySecurityHeaders(response: Response, csp: string): Response {
  const headers = response.headers;
  for (const [name, value] of SECURITY_HEADERS) headers.set(name, value);
  if ((headers.get("content-type") ?? "").startsWith("text/html")) {
    headers.set("content-security-policy", csp);
  }
  return response;
}
