// `deno task mcp`: the MCP tools over stdio for a local assistant (Claude Desktop, Claude Code),
// querying an Echelon instance over HTTP. Configured by ECHELON_URL (required) and
// ECHELON_API_KEY (a read key is enough) or ECHELON_SECRET; a public-mode instance needs
// neither. Only GETs, and POSTs to routes that only read (the query), are ever sent. stdout carries the protocol, so everything else goes to stderr.
import { createApiClient } from "../lib/mcp/client.ts";
import { StdioServerTransport } from "../lib/mcp/sdk.ts";
import { createMcpServer, MCP_SERVER_NAME } from "../lib/mcp/server.ts";
import { VERSION } from "../lib/version.ts";

export interface StdioConfig {
  /** The instance's base URL, without a trailing slash. */
  baseUrl: string;
  /** The bearer token, or null for a public instance. */
  token: string | null;
}

/** Reads the environment once; a missing or malformed value stops with its name. */
export function loadStdioConfig(env: Record<string, string | undefined>): StdioConfig {
  const raw = env.ECHELON_URL?.trim();
  if (!raw) {
    throw new Error("ECHELON_URL is required (e.g. https://analytics.example.com)");
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`ECHELON_URL: ${JSON.stringify(raw)} is not a URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new Error(`ECHELON_URL: ${JSON.stringify(raw)} must be an http(s) URL`);
  }
  const token = env.ECHELON_API_KEY?.trim() || env.ECHELON_SECRET?.trim() || null;
  return { baseUrl: `${url.origin}${url.pathname.replace(/\/+$/, "")}`, token };
}

export async function runStdio(config: StdioConfig): Promise<void> {
  const client = createApiClient({
    baseUrl: config.baseUrl,
    authorization: config.token ? `Bearer ${config.token}` : null,
    fetch: (req) => fetch(req),
    userAgent: `${MCP_SERVER_NAME}/${VERSION}`,
  });
  const server = createMcpServer(client);
  await server.connect(new StdioServerTransport());
  console.error(`${MCP_SERVER_NAME} ${VERSION}: MCP over stdio for ${config.baseUrl}`);
}

if (import.meta.main) {
  // A failed request is a tool error; nothing else may end the session with the assistant.
  globalThis.addEventListener("unhandledrejection", (event) => {
    event.preventDefault();
    console.error("unhandled rejection:", event.reason);
  });
  let config: StdioConfig;
  try {
    config = loadStdioConfig(Deno.env.toObject());
  } catch (error) {
    console.error(`${MCP_SERVER_NAME}: ${error instanceof Error ? error.message : error}`);
    Deno.exit(2);
  }
  await runStdio(config);
}
