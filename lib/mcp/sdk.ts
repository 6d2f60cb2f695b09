// The parts of @modelcontextprotocol/sdk we use, imported in one place. The package's export map
// sends type lookups of `sdk/server/mcp.js` to a `mcp.js.d.ts` that does not exist (its "./*"
// pattern appends .d.ts to the full specifier), so each import names its declaration file.

// @ts-types="../../node_modules/@modelcontextprotocol/sdk/dist/esm/server/mcp.d.ts"
export { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
// @ts-types="../../node_modules/@modelcontextprotocol/sdk/dist/esm/server/stdio.d.ts"
export { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
// @ts-types="../../node_modules/@modelcontextprotocol/sdk/dist/esm/server/webStandardStreamableHttp.d.ts"
export { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
// @ts-types="../../node_modules/@modelcontextprotocol/sdk/dist/esm/types.d.ts"
export type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
