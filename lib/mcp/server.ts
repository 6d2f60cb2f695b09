// The MCP server of Echelon: its identity, its instructions to the assistant and the tools of
// lib/mcp/tools.ts answering through an ApiClient. Built per stdio process, or per HTTP request
// on /mcp (stateless), so nothing is shared between callers.
import { McpServer } from "./sdk.ts";
import { VERSION } from "../version.ts";
import type { ApiClient } from "./client.ts";
import { registerTools } from "./tools.ts";

export const MCP_SERVER_NAME = "echelon-analytics";

const INSTRUCTIONS = "Echelon Analytics: privacy-first web analytics. Start with list_sites to " +
  "find a site_id. Figures exclude bots (bot_report shows them). Dates are UTC days " +
  "(YYYY-MM-DD); a period is `days` (the last N days, today included) or `from`/`to`. " +
  "Every tool only reads.";

export function createMcpServer(client: ApiClient): McpServer {
  const server = new McpServer(
    { name: MCP_SERVER_NAME, version: VERSION },
    { instructions: INSTRUCTIONS },
  );
  registerTools(server, client);
  return server;
}
