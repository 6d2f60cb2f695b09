// Entry of the `/ea.pow.js` chunk: the proof-of-work solver in plain JavaScript, for browsers
// where WebAssembly is missing or refused (a `--noexpose_wasm` flag, Safari's Lockdown Mode,
// enterprise policies, a page CSP without 'wasm-unsafe-eval'). /ea.js loads it only then
// (pow_fallback_loader.ts); its starter turns the epoch's module bytes into the same `solve`.
import { CHUNK_EVENT, type PowFallbackStart } from "./chunk_api.ts";
import { paramsFromModule } from "./pow_params.ts";
import { powSolver } from "./pow_js.ts";

const start: PowFallbackStart = (module) => powSolver(paramsFromModule(module));

try {
  document.dispatchEvent(new CustomEvent(CHUNK_EVENT + "pow", { detail: start }));
} catch {
  // No CustomEvent (very old engines): no token; the visit is scored without proof.
}
