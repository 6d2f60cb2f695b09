// MCP test helpers: the SDK's client side (imported with its declaration files, as lib/mcp/sdk.ts
// does for the server side) and readers for tool results — the one-line summary and the JSON.

// @ts-types="../node_modules/@modelcontextprotocol/sdk/dist/esm/client/index.d.ts"
export { Client } from "@modelcontextprotocol/sdk/client/index.js";
// @ts-types="../node_modules/@modelcontextprotocol/sdk/dist/esm/client/streamableHttp.d.ts"
export { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
// @ts-types="../node_modules/@modelcontextprotocol/sdk/dist/esm/client/stdio.d.ts"
export { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

/** The tools every transport must list. */
export const TOOL_NAMES = [
  "analytics_campaign_detail",
  "analytics_campaign_events",
  "analytics_campaigns",
  "analytics_dashboard",
  "analytics_experiments",
  "analytics_overview",
  "analytics_realtime",
  "bot_report",
  "compare_periods",
  "funnel",
  "journeys",
  "list_annotations",
  "list_campaigns",
  "list_experiments",
  "list_goals",
  "list_sites",
  "query",
  "top_pages",
];

/** The `initialize` request (id 1) of a raw JSON-RPC client, for what the SDK client hides. */
export function initializeRequest(clientName: string) {
  return {
    jsonrpc: "2.0",
    id: 1,
    method: "initialize",
    params: {
      protocolVersion: "2025-06-18",
      capabilities: {},
      clientInfo: { name: clientName, version: "1" },
    },
  };
}

/** What Client.callTool resolves to (its type is a union with the task-result form). */
type ToolResult = { [key: string]: unknown };

/** The text of a tool result (one text item). */
export function resultText(result: ToolResult): string {
  const content = result.content as { type: string; text?: string }[];
  if (!Array.isArray(content) || content.length !== 1 || content[0].type !== "text") {
    throw new Error(`unexpected tool result: ${JSON.stringify(result)}`);
  }
  return content[0].text ?? "";
}

/** A successful result's summary line and parsed JSON; throws on a tool error. */
// deno-lint-ignore no-explicit-any
export function resultData(result: ToolResult): { summary: string; data: any } {
  const text = resultText(result);
  if (result.isError) throw new Error(`tool error: ${text}`);
  const split = text.indexOf("\n\n");
  return { summary: text.slice(0, split), data: JSON.parse(text.slice(split + 2)) };
}
