// MCP over Streamable HTTP (`/mcp` on the server itself): who may call it, and one stateless
// exchange per POST (a fresh server and the SDK's web-standard transport in JSON-response mode, so
// there is no session table to keep, or to share between instances).
import { bearerMatches } from "../auth/bearer.ts";
import { bearerToken, invalidKeyResponse, isApiKeyToken, verifyApiKey } from "../auth/api_keys.ts";
import { readBodyCapped } from "../http_body.ts";
import { HttpError, jsonError } from "../http_error.ts";
import type { Services } from "../services.ts";
import type { ApiClient } from "./client.ts";
import { WebStandardStreamableHTTPServerTransport } from "./sdk.ts";
import { createMcpServer } from "./server.ts";

/** A JSON-RPC request or batch is small; anything bigger is refused with 413. */
export const MAX_MCP_BODY_BYTES = 64 * 1024;

export type McpAccess = { ok: true; authorization: string | null } | {
  ok: false;
  response: Response;
};

/**
 * Whether the request may use /mcp, and the Authorization its API calls carry: an API key of
 * either scope (every tool only reads) or ECHELON_SECRET. Each tool call is then an in-process read
 * of /api/* with the caller's own header, so the API's rules decide what it may see. In public
 * mode /mcp is open like the API's reads (and nothing it offers writes): the header is passed on
 * as it came, so valid credentials read everything and anyone else gets public mode's view.
 */
export async function mcpAccess(
  services: Pick<Services, "config" | "store" | "now">,
  req: Request,
): Promise<McpAccess> {
  const { config } = services;
  if (config.publicMode) return { ok: true, authorization: req.headers.get("authorization") };
  const authorization = req.headers.get("authorization");
  if (bearerMatches(authorization, config.secret)) return { ok: true, authorization };
  const token = bearerToken(authorization);
  if (token !== null && isApiKeyToken(token)) {
    const verdict = await verifyApiKey(services, token);
    if (!verdict.ok) return { ok: false, response: invalidKeyResponse(verdict.reason) };
    return { ok: true, authorization };
  }
  return {
    ok: false,
    response: jsonError(
      401,
      "unauthorized",
      "The MCP endpoint needs `Authorization: Bearer <API key>` (a read key is enough; create " +
        "one under Admin → Settings → API keys) or ECHELON_SECRET",
      { "www-authenticate": 'Bearer realm="echelon"' },
    ),
  };
}

/**
 * Answers one MCP HTTP request with the tools bound to `client`. GET (a server-initiated SSE
 * stream) and DELETE (ending a session) mean nothing without sessions: 405, as the spec allows.
 */
export async function handleMcpRequest(req: Request, client: ApiClient): Promise<Response> {
  if (req.method !== "POST") {
    await req.body?.cancel().catch(() => {});
    return rpcError(
      405,
      `${req.method} is not supported: this server is stateless, POST JSON-RPC messages`,
      { allow: "POST" },
    );
  }
  // The body is read here, through the shared capped reader, and handed to the SDK buffered: the
  // SDK's own reader stops at its cap but leaves the stream uncancelled, so an oversize upload
  // would keep its sender going (its cap stays set, as a second fence).
  let body: Uint8Array<ArrayBuffer>;
  try {
    body = await readBodyCapped(req, MAX_MCP_BODY_BYTES);
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    return rpcError(error.status, error.message);
  }
  const forwarded = new Headers(req.headers);
  forwarded.delete("content-length");
  const buffered = new Request(req.url, { method: "POST", headers: forwarded, body });
  const server = createMcpServer(client);
  const transport = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: undefined,
    enableJsonResponse: true,
    maxRequestBodySize: MAX_MCP_BODY_BYTES,
  });
  try {
    await server.connect(transport);
    const response = await transport.handleRequest(buffered);
    // Answers depend on the caller's key and on live data: never cached.
    const headers = new Headers(response.headers);
    headers.set("cache-control", "no-store");
    return new Response(response.body, { status: response.status, headers });
  } finally {
    await server.close();
  }
}

/** A refusal in JSON-RPC's shape (what MCP clients parse), as the SDK's transport answers. */
function rpcError(status: number, message: string, headers?: HeadersInit): Response {
  return Response.json(
    { jsonrpc: "2.0", error: { code: -32000, message }, id: null },
    { status, headers },
  );
}
