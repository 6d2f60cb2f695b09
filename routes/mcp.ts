// /mcp: the MCP tools over Streamable HTTP (stateless, JSON responses) for AI assistants that
// connect by URL, authenticated by an API key (lib/mcp/http.ts says who may call it). Each tool
// call runs as an in-process GET of /api/* with the caller's Authorization, through the same
// middleware as any API request, and stops when the MCP client leaves (its reads are cancelled).
// Not a browser endpoint: no CORS, no HTML.
import { createApiClient } from "../lib/mcp/client.ts";
import { handleMcpRequest, mcpAccess } from "../lib/mcp/http.ts";
import type { Ctx } from "../lib/state.ts";

export async function handler(ctx: Ctx): Promise<Response> {
  const access = await mcpAccess(ctx.state.services, ctx.req);
  if (!access.ok) {
    await ctx.req.body?.cancel().catch(() => {});
    return access.response;
  }
  const client = createApiClient({
    baseUrl: ctx.url.origin,
    authorization: access.authorization,
    fetch: (req) => ctx.state.subrequest(req, ctx.remoteAddr),
    signal: ctx.req.signal,
  });
  return await handleMcpRequest(ctx.req, client);
}
