// Compression of text responses (issue 6: "gzip/br for text responses"): HTML, JSON, CSV, text,
// XML and Markdown that the handler did not compress itself. Brotli when the client accepts it
// (quality 5: most of the gain at a fraction of the CPU of 11), else gzip; bodies under 1 KB are
// left alone (the headers would outweigh the saving). CSV exports are streams of unknown length:
// they go through CompressionStream (gzip) chunk by chunk, never buffered whole.
import { Buffer } from "node:buffer";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const COMPRESSIBLE = /^(?:text\/|application\/(?:json|xml|javascript|manifest\+json))/;
const STREAMED = /^text\/csv/;
const MIN_BYTES = 1024;

type Coding = "br" | "gzip";

/** The coding to use for a request, from Accept-Encoding (q=0 refuses), or null. */
export function chooseCoding(acceptEncoding: string | null): Coding | null {
  const accepted = new Set<string>();
  for (const item of (acceptEncoding ?? "").split(",")) {
    const [coding, ...params] = item.split(";").map((part) => part.trim().toLowerCase());
    const q = params.find((param) => param.startsWith("q="));
    if (coding && !(q && Number(q.slice(2)) === 0)) accepted.add(coding);
  }
  if (accepted.has("br")) return "br";
  if (accepted.has("gzip") || accepted.has("*")) return "gzip";
  return null;
}

export async function compressResponse(req: Request, response: Response): Promise<Response> {
  const headers = response.headers;
  const type = headers.get("content-type") ?? "";
  if (
    req.method === "HEAD" || !response.body || headers.has("content-encoding") ||
    !COMPRESSIBLE.test(type) || response.status === 204 || response.status === 304
  ) return response;
  const coding = chooseCoding(req.headers.get("accept-encoding"));
  headers.append("vary", "Accept-Encoding");
  if (!coding) return response;
  if (STREAMED.test(type)) {
    headers.delete("content-length");
    headers.set("content-encoding", "gzip");
    const body = response.body.pipeThrough(new CompressionStream("gzip"));
    return new Response(body, {
      status: response.status,
      statusText: response.statusText,
      headers,
    });
  }
  const raw = new Uint8Array(await response.arrayBuffer());
  if (raw.byteLength < MIN_BYTES) {
    return new Response(raw, { status: response.status, statusText: response.statusText, headers });
  }
  const compressed = coding === "br"
    ? brotliCompressSync(raw, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 5,
        [constants.BROTLI_PARAM_SIZE_HINT]: raw.byteLength,
      },
    })
    : gzipSync(raw, { level: 6 });
  headers.set("content-encoding", coding === "br" ? "br" : "gzip");
  headers.delete("content-length");
  return new Response(new Uint8Array(Buffer.from(compressed)), {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
}
