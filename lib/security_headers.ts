// Security headers for every routed response, and a strict CSP for HTML: scripts only from our
// origin (no 'unsafe-inline': the theme and boot code are external files), no framing.

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
  headers.set("x-content-type-options", "nosniff");
  headers.set("x-frame-options", "DENY");
  headers.set("referrer-policy", "strict-origin-when-cross-origin");
  if ((headers.get("content-type") ?? "").startsWith("text/html")) {
    headers.set("content-security-policy", csp);
  }
  return response;
}
