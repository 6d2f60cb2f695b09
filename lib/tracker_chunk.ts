// The tracker's chunks built by `deno task build:tracker` (dist/tracker/ea.<name>.js): read once,
// on first use, with their gzip and one hash over all of them (the cache key /ea.js puts in every
// chunk URL, `?h=`), and answered by `chunkResponse` for routes/ea.<name>.js.ts.
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { acceptsGzip } from "./http_accept.ts";
import type { Logger } from "./log.ts";

/**
 * Every chunk /ea.js loads on demand, by name, with its entry under tracker/: built by
 * scripts/build_tracker.ts, served at `/ea.<name>.js` (routes/ea.<name>.js.ts, lib/cors.ts).
 */
export const TRACKER_CHUNKS = {
  /** Forms, hover and web vitals, loaded after start. */
  deferred: "tracker/deferred.ts",
  /** The consent banner (ECHELON_COOKIE_CONSENT=true), when a decision is needed. */
  banner: "tracker/banner.ts",
  /** The proof of work in JavaScript, only where WebAssembly is unusable. */
  pow: "tracker/pow_fallback.ts",
} as const;
export type ChunkName = keyof typeof TRACKER_CHUNKS;
export const CHUNK_NAMES = Object.keys(TRACKER_CHUNKS) as ChunkName[];

interface Chunk {
  code: Uint8Array<ArrayBuffer>;
  gzip: Uint8Array<ArrayBuffer>;
}

interface Chunks {
  byName: Map<ChunkName, Chunk>;
  /** First 10 hex digits of the SHA-256 over every chunk's code. */
  hash: string;
}

const DIST = new URL("../dist/tracker/", import.meta.url);
let loaded: Chunks | undefined;

/** Throws when the tracker was not built. */
function chunks(): Chunks {
  if (!loaded) {
    const hash = createHash("sha256");
    const byName = new Map<ChunkName, Chunk>();
    for (const name of CHUNK_NAMES) {
      const code = Deno.readFileSync(new URL(`ea.${name}.js`, DIST));
      hash.update(code);
      byName.set(name, { code, gzip: new Uint8Array(gzipSync(code, { level: 9 })) });
    }
    loaded = { byName, hash: hash.digest("hex").slice(0, 10) };
  }
  return loaded;
}

/** The `?h=` value of the current build. Throws when the tracker was not built. */
export function chunksHash(): string {
  return chunks().hash;
}

/**
 * GET /ea.<name>.js. A request carrying the current hash may be cached for a year; any other (an
 * old hash after an upgrade, or none) for five minutes.
 */
export function chunkResponse(name: ChunkName, url: URL, headers: Headers, log: Logger): Response {
  let built: Chunks;
  try {
    built = chunks();
  } catch (error) {
    log.error("tracker not built (run `deno task build:tracker`)", error);
    return new Response("// tracker unavailable\n", {
      status: 503,
      headers: {
        "content-type": "application/javascript; charset=utf-8",
        "cache-control": "no-store",
      },
    });
  }
  const chunk = built.byName.get(name)!;
  const current = url.searchParams.get("h") === built.hash;
  const responseHeaders = new Headers({
    "content-type": "application/javascript; charset=utf-8",
    "cache-control": current ? "public, max-age=31536000, immutable" : "public, max-age=300",
    vary: "Accept-Encoding",
  });
  if (!acceptsGzip(headers)) return new Response(chunk.code, { headers: responseHeaders });
  responseHeaders.set("content-encoding", "gzip");
  return new Response(chunk.gzip, { headers: responseHeaders });
}
