// The /b.gif load of the pixel and rss sections: a wrk script sending tracker-shaped page views,
// optionally each with a proof-of-work token, in one of two token mixes (TOKEN_MIXES).
import { MemoryEphemeralStore } from "../lib/ephemeral.ts";
import { deriveKey } from "../lib/keys.ts";
import { parseChallenge } from "../lib/pow/challenge.ts";
import { solveChallenge } from "../lib/pow/solver.ts";
import { PowVerifier } from "../lib/pow/verifier.ts";
import { masterFromSecret } from "../lib/secret.ts";
import { chromiumEvidence } from "../tests/_evidence_fixture.ts";
import { WRK_LOAD, wrkScript } from "./wrk.ts";

export const PIXEL_SITE = "bench";
const PIXEL_PATHS = 16_384;
export const DESKTOP_UA =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";
/** The bench server's ECHELON_SECRET: the bench derives the same PoW keys to issue its tokens. */
export const BENCH_SECRET = "5d0c3f8e9a7b41c2e6f1a8d3b0c9e47f2a6d8b1c3e5f7091a2b4c6d8e0f13579";

/**
 * How tokens are spread over the hits. The tracker keeps one token per tab for the challenge
 * window (tracker/pow.ts), so a visit's page views present the same token and every visitor has
 * their own. "visit": each token is used by `hitsPerToken` hits `spacing` requests apart (per
 * wrk thread), other visits' hits in between; "fresh": every hit brings a token never seen
 * (one-page visits, the verifier's worst case). The hits come from BENCH_VISITORS client
 * addresses (198.18.0.0/15, the benchmarking range, in X-Forwarded-For: PIXEL_SERVER_ENV) with
 * one browser's user agent, so they are that many cookieless visitors, as a site's traffic is
 * (one visitor owning every hit is the one client the per-day aggregates stop following batch by
 * batch, lib/db/aggregates.ts MAX_INCREMENTAL_VIEWS); a token's hits all come from one address,
 * so each verdict is "valid", and share one session id, as a tab's page views do (tracker/
 * session.ts keeps it in sessionStorage; until 2026-12-07 every bench hit had its own, so "visit"
 * was a session per hit, the sessions table's worst case, which "fresh" and the no-token load
 * still are).
 */
export const BENCH_VISITORS = 16_384;
/** The server settings the scripts need: the client addresses come in X-Forwarded-For from
 * 127.0.0.1, the load generator's address (lib/proxy_trust.ts). */
export const PIXEL_SERVER_ENV = { ECHELON_TRUST_PROXY: "127.0.0.1" } as const;

export const TOKEN_MIXES = {
  visit: { hitsPerToken: 3, spacing: 4096 },
  fresh: { hitsPerToken: 1, spacing: 1 },
} as const;
export type TokenMix = keyof typeof TOKEN_MIXES;

/**
 * Each request has its own path (`p`, base64 of /bench/<i>, precomputed so the load generator
 * spends no CPU on it), session id and interaction time, with a desktop browser's headers.
 * `wrk … -- <site>` picks the site id. With `tokensFile` (one URI-encoded token a line, see
 * writeTokens) each request also sends `tok`, picked as `mix` spreads them; each thread uses
 * every other token, so threads never share one.
 */
export function pixelScript(tokensFile?: string, mix: TokenMix = "visit"): string {
  const paths = Array.from(
    { length: PIXEL_PATHS },
    (_, i) => `"${encodeURIComponent(btoa(`/bench/${i}`))}"`,
  );
  const { hitsPerToken, spacing } = TOKEN_MIXES[mix];
  return wrkScript(`
local paths = {${paths.join(",")}}
local tokens = {}
local visitors = {}
function init(args)
  site = args[1] or "${PIXEL_SITE}"
  n = 0
  wrk.headers["User-Agent"] = "${DESKTOP_UA}"
  wrk.headers["Accept-Language"] = "en-US,en;q=0.9"
  wrk.headers["Sec-Fetch-Site"] = "cross-site"
  for k = 0, ${BENCH_VISITORS - 1} do
    local headers = {}
    for name, value in pairs(wrk.headers) do headers[name] = value end
    headers["X-Forwarded-For"] = "198." .. (18 + math.floor(k / 65536)) .. "." ..
      (math.floor(k / 256) % 256) .. "." .. (k % 256)
    visitors[k + 1] = headers
  end
  ${tokensFile ? `for line in io.lines("${tokensFile}") do tokens[#tokens + 1] = line end` : ""}
end
-- The token of hit i (or none) and the index of the visitor sending it.
local function token(i)
  if #tokens == 0 then return "", i end
  local block = math.floor(i / (${hitsPerToken} * ${spacing}))
  local visit = block * ${spacing} + i % ${spacing}
  local index = (visit * ${WRK_LOAD.threads} + tid - 1) % #tokens
  return "&tok=" .. tokens[index + 1], index
end
function request()
  local tok, who = token(n)
  -- A tab keeps its session id (tracker/session.ts) as it keeps its token: a visit's hits share
  -- both. Without tokens every hit is a session of its own.
  local sid = #tokens == 0 and string.format("%08x-%04x-4000-8000-%012d", n + 1, tid, n + 1)
    or string.format("%08x-0000-4000-8000-%012d", who + 1, who + 1)
  n = n + 1
  return wrk.format("GET", "/b.gif?p=" .. paths[(n * 2 + tid) % ${PIXEL_PATHS} + 1] ..
    "&s=" .. site .. "&sid=" .. sid .. "&_v=" .. (1200 + n % 5000) .. "&sw=1920&sh=1080&it=17.12.340" .. tok,
    visitors[who % ${BENCH_VISITORS} + 1])
end
`);
}

/** The address of visitor `k` (198.18.0.0/15), as the wrk script sends it in X-Forwarded-For. */
export function visitorAddress(k: number, visitors = BENCH_VISITORS): string {
  const i = k % visitors;
  return `198.${18 + Math.floor(i / 65536)}.${Math.floor(i / 256) % 256}.${i % 256}`;
}

/** The headers every bench hit sends besides X-Forwarded-For (pixelScript's wrk.headers). */
export const PIXEL_REQUEST_HEADERS: readonly [string, string][] = [
  ["host", "127.0.0.1:1947"],
  ["user-agent", DESKTOP_UA],
  ["accept-language", "en-US,en;q=0.9"],
  ["sec-fetch-site", "cross-site"],
];

/**
 * Hit `n` of one load thread as pixelScript's wrk script builds it (thread 1 of 1, for the
 * in-process benches): the /b.gif URL on 127.0.0.1:1947 and the headers, X-Forwarded-For naming
 * the visitor. `tokens` empty: no token (the visitor is `n`'s). `visitors`: how many distinct
 * client addresses the hits come from (1 shows what having many visitors costs).
 */
export function pixelRequestAt(
  n: number,
  tokens: readonly string[],
  mix: TokenMix,
  { site = PIXEL_SITE, visitors = BENCH_VISITORS } = {},
): { url: string; headers: [string, string][] } {
  let tok = "";
  let who = n;
  if (tokens.length > 0) {
    const { hitsPerToken, spacing } = TOKEN_MIXES[mix];
    const visit = Math.floor(n / (hitsPerToken * spacing)) * spacing + n % spacing;
    who = visit % tokens.length;
    tok = `&tok=${encodeURIComponent(tokens[who])}`;
  }
  const hit = n + 1;
  const [id, thread] = tokens.length > 0 ? [who + 1, "0000"] : [hit, "0001"];
  const sid = `${id.toString(16).padStart(8, "0")}-${thread}-4000-8000-${
    String(id).padStart(12, "0")
  }`;
  const path = encodeURIComponent(btoa(`/bench/${(hit * 2 + 1) % PIXEL_PATHS}`));
  return {
    url: `http://127.0.0.1:1947/b.gif?p=${path}&s=${site}&sid=${sid}&_v=${1200 + hit % 5000}` +
      `&sw=1920&sh=1080&it=17.12.340${tok}`,
    headers: [...PIXEL_REQUEST_HEADERS, ["x-forwarded-for", visitorAddress(who, visitors)]],
  };
}

export { BARE_PIXEL_HEADERS } from "./bare_headers.ts";

/** `--name=value` of a standalone bench's arguments, else undefined. */
export function benchFlag(name: string, args: readonly string[] = Deno.args): string | undefined {
  return args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

/** Tokens a run of about `requests` hits needs so that `mix` never wraps around. */
export function tokensFor(mix: TokenMix, requests: number): number {
  const { hitsPerToken, spacing } = TOKEN_MIXES[mix];
  return (Math.ceil(requests / (hitsPerToken * spacing)) + WRK_LOAD.threads) * spacing;
}

/** An issuer with the PoW keys of a server started with ECHELON_SECRET=`secret`. */
export function benchIssuer(secret = BENCH_SECRET): PowVerifier {
  const master = masterFromSecret(secret);
  return new PowVerifier({
    challengeKey: deriveKey(master, "pow-challenge"),
    wasmKey: deriveKey(master, "pow-wasm"),
    windowMs: 60 * 60_000,
    store: new MemoryEphemeralStore(),
  });
}

/**
 * The one place the benchmarks build tokens: `count` distinct tokens for `site`, solved as the
 * tracker does (the module's `solve`) from challenges signed with the server's key. Difficulty 1
 * keeps a hundred thousand solves to about a second; the server verifies any difficulty with one
 * hash, so the verify cost measured is the same.
 */
export function benchTokens(issuer: PowVerifier, site: string, count: number): string[] {
  return Array.from({ length: count }, () => {
    const challenge = issuer.issue(site, 1);
    // The evidence a browser seals in (recorded Chromium fonts, the beacon's 1920×1080 screen), so
    // every hit also pays the evidence judgement, as a real browser's hits do.
    const evidence = chromiumEvidence(parseChallenge(challenge)!.salt, {
      sw: 1920,
      sh: 1080,
      aw: 1920,
      ah: 1050,
      tells: 0,
    });
    return solveChallenge(issuer, challenge, 1, { evidence }).token;
  });
}

/** Writes `tokens` URI-encoded, one a line, for pixelScript's `tokensFile`. */
export async function writeTokens(path: string, tokens: string[]): Promise<void> {
  await Deno.writeTextFile(path, tokens.map((t) => encodeURIComponent(t)).join("\n") + "\n");
}

export interface PixelScripts {
  /** pixel.lua: no token. */
  plain: string;
  /** pixel_<mix>.lua with `tokens` solved for `site`, after `tokensFor(mix, requests)`. */
  withTokens(
    mix: TokenMix,
    site: string,
    requests: number,
  ): Promise<{ script: string; tokens: number }>;
}

/** Scripts in `dir`; token scripts get tokens from `issuer` (the server's keys, benchIssuer). */
export async function writePixelScripts(dir: string, issuer: PowVerifier): Promise<PixelScripts> {
  const plain = `${dir}/pixel.lua`;
  await Deno.writeTextFile(plain, pixelScript());
  return {
    plain,
    async withTokens(mix, site, requests) {
      const tokens = tokensFor(mix, requests);
      const script = await writeTokenScript(`${dir}/pixel_${mix}`, issuer, site, mix, tokens);
      return { script, tokens };
    },
  };
}

/**
 * Writes `tokens` tokens for `site` to `<stem>.txt` and a `mix` script sending them to
 * `<stem>.lua`; returns the script's path.
 */
export async function writeTokenScript(
  stem: string,
  issuer: PowVerifier,
  site: string,
  mix: TokenMix,
  tokens: number,
): Promise<string> {
  await writeTokens(`${stem}.txt`, benchTokens(issuer, site, tokens));
  await Deno.writeTextFile(`${stem}.lua`, pixelScript(`${stem}.txt`, mix));
  return `${stem}.lua`;
}
