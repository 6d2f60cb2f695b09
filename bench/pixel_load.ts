// The /b.gif load of the pixel and rss sections: a wrk script sending tracker-shaped page views,
// optionally each with a proof-of-work token solved from the running app's GET /c.
import { EXPORTS } from "../lib/pow/wasm_builder.ts";
import { wrkScript } from "./wrk.ts";

export const PIXEL_SITE = "bench";
const PIXEL_PATHS = 16_384;
export const DESKTOP_UA =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";

/**
 * Each request has its own path (`p`, base64 of /bench/<i>, precomputed so the load generator
 * spends no CPU on it), session id and interaction time, with a desktop browser's headers.
 * `wrk … -- <site>` picks the site id; `tokens` are presented in turn (`tok`).
 */
export function pixelScript(tokens: string[] = []): string {
  const paths = Array.from(
    { length: PIXEL_PATHS },
    (_, i) => `"${encodeURIComponent(btoa(`/bench/${i}`))}"`,
  );
  return wrkScript(`
local paths = {${paths.join(",")}}
local tokens = {${tokens.map((t) => `"&tok=${encodeURIComponent(t)}"`).join(",")}}
function init(args)
  site = args[1] or "${PIXEL_SITE}"
  n = 0
  wrk.headers["User-Agent"] = "${DESKTOP_UA}"
  wrk.headers["Accept-Language"] = "en-US,en;q=0.9"
  wrk.headers["Sec-Fetch-Site"] = "cross-site"
end
function request()
  n = n + 1
  local sid = string.format("%08x-%04x-4000-8000-%012d", n, tid, n)
  return wrk.format("GET", "/b.gif?p=" .. paths[(n * 2 + tid) % ${PIXEL_PATHS} + 1] ..
    "&s=" .. site .. "&sid=" .. sid .. "&_v=" .. (1200 + n % 5000) .. "&sw=1920&sh=1080" ..
    (tokens[n % #tokens + 1] or ""))
end
`);
}

/**
 * Solves `count` challenges from the running app's `GET /c` with the module it serves, as the
 * tracker does: wrk then presents them, so /b.gif verifies a real token on every request (all
 * from one visitor, so reuse is "valid", not "replayed").
 */
export async function solvedTokens(
  baseUrl: string,
  site: string,
  count: number,
): Promise<string[]> {
  const tokens: string[] = [];
  let exports: WebAssembly.Exports | undefined;
  for (let i = 0; i < count; i++) {
    const answer = await (await fetch(`${baseUrl}/c?s=${site}`)).json() as {
      challenge: string;
      difficulty: number;
      wasm?: string;
    };
    if (!exports) {
      const bytes = Uint8Array.from(answer.wasm!.match(/../g)!, (h) => parseInt(h, 16));
      exports = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports;
    }
    const memory = new Uint8Array((exports[EXPORTS.memory] as WebAssembly.Memory).buffer);
    const input = new TextEncoder().encode(answer.challenge);
    memory.set(input);
    const solve = exports[EXPORTS.solve] as (...args: unknown[]) => bigint;
    const nonce = solve(0, input.length, answer.difficulty, 0n, 2 ** 30);
    if (nonce < 0n) throw new Error(`no solution for ${answer.challenge}`);
    tokens.push(`${answer.challenge}:${nonce}`);
  }
  return tokens;
}

export interface PixelScripts {
  /** pixel.lua: no token. */
  plain: string;
  /** pixel_pow.lua: 64 tokens solved for `powSite`. */
  pow: string;
  powSite: string;
}

/** Writes both scripts into `dir`; the tokens come from the app at `baseUrl`. */
export async function writePixelScripts(dir: string, baseUrl: string): Promise<PixelScripts> {
  const scripts = { plain: `${dir}/pixel.lua`, pow: `${dir}/pixel_pow.lua` };
  const powSite = `${PIXEL_SITE}-pow`;
  await Deno.writeTextFile(scripts.plain, pixelScript());
  await Deno.writeTextFile(scripts.pow, pixelScript(await solvedTokens(baseUrl, powSite, 64)));
  return { ...scripts, powSite };
}
