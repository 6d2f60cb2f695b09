// Root middleware: security headers on every routed response.
import { applySecurityHeaders, contentSecurityPolicy } from "../lib/security_headers.ts";
import type { Ctx } from "../lib/state.ts";

let csp: string | null = null;

export async function handler(ctx: Ctx): Promise<Response> {
  csp ??= contentSecurityPolicy(ctx.state.services.config.viteDevUrl);
  const response = await ctx.next();
  try {
    return applySecurityHeaders(response, csp);
  } catch {
    // Responses with immutable headers (e.g. from fetch) are copied once.
    return applySecurityHeaders(new Response(response.body, response), csp);
  }
}
