// The error code of public mode's refusals, on its own so the MCP tools (which also run in
// `deno task mcp`, far from the server) can recognise it without importing the server's policy.

/** `403 {error: "not_public"}`: what was asked for is not among public mode's aggregates. */
export const NOT_PUBLIC = "not_public";
