// GET /api/openapi.json: the API's OpenAPI 3.1 document, generated from the operations' zod
// schemas (lib/api/). Readable by anyone, public mode included: it is the contract of the code,
// holds no instance data (no host, site, key or setting) and names only the version served.
import { apiDocumentText } from "../../lib/api/mod.ts";
import type { Ctx } from "../../lib/state.ts";

export const handler = {
  GET(ctx: Ctx) {
    return new Response(apiDocumentText(ctx.state.services.config.version), {
      headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-cache" },
    });
  },
};
