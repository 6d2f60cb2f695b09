// The JavaScript solver for browsers without usable WebAssembly: the `/ea.pow.js` chunk, fetched
// once on first need, then asked for a solver per module (one per epoch).
import type { PowFallbackStart, PowSolver } from "./chunk_api.ts";
import { loadChunk } from "./chunk_loader.ts";

let chunk: Promise<PowFallbackStart> | undefined;

/** A solver with the module's `m` and `s` exports, computed in JavaScript. */
export function fallbackSolver(module: Uint8Array): Promise<PowSolver> {
  chunk ||= new Promise((ok) => loadChunk("pow", ok));
  return chunk.then((start) => start(module));
}
