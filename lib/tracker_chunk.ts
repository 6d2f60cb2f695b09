// The deferred chunk built by `deno task build:tracker` (dist/tracker/ea.deferred.js): read once,
// on first use, with its content hash (the cache key /ea.js puts in the chunk's URL) and its gzip.
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";

export interface TrackerChunk {
  code: Uint8Array<ArrayBuffer>;
  gzip: Uint8Array<ArrayBuffer>;
  /** First 10 hex digits of the SHA-256 of the code. */
  hash: string;
}

const DEFERRED = new URL("../dist/tracker/ea.deferred.js", import.meta.url);
let deferred: TrackerChunk | undefined;

/** Throws when the tracker was not built. */
export function deferredChunk(): TrackerChunk {
  if (!deferred) {
    const code = Deno.readFileSync(DEFERRED);
    deferred = {
      code,
      gzip: new Uint8Array(gzipSync(code, { level: 9 })),
      hash: createHash("sha256").update(code).digest("hex").slice(0, 10),
    };
  }
  return deferred;
}
