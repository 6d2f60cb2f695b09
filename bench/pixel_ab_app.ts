// In-process A/B of GET /b.gif's fast path (no sockets, no Request construction timed): the same
// pre-built requests go through another checkout's app (e.g. a `git archive` of the baseline
// commit with node_modules linked) and this checkout's, interleaved in rounds of 2000; prints the
// min, p25 and median wall µs per hit of each and the per-round ratio. On a shared machine the
// min is the figure least disturbed by other processes.
// Usage: deno run -A bench/pixel_ab_app.ts <base checkout> [visit|fresh|none] [rounds=30]
import { createTestApp as newApp } from "../tests/_helpers.ts";
import { benchTokens, TOKEN_MIXES, type TokenMix } from "./pixel_load.ts";

const baseDir = Deno.args[0];
if (!baseDir) throw new Error("usage: bench/pixel_ab_app.ts <base checkout> [mix] [rounds]");
const { createTestApp: baseApp } = await import(`${baseDir}/tests/_helpers.ts`);
const mix = (Deno.args[1] ?? "visit") as TokenMix | "none";
const ROUNDS = Number(Deno.args[2] ?? 30);
const PER = 2000;
const UA =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";
const HEADERS: [string, string][] = [["host", "127.0.0.1:1947"], ["user-agent", UA], [
  "accept-language",
  "en-US,en;q=0.9",
], ["sec-fetch-site", "cross-site"]];
function tokenAt(n: number, tokens: string[]) {
  const { hitsPerToken, spacing } = TOKEN_MIXES[mix as TokenMix];
  const visit = Math.floor(n / (hitsPerToken * spacing)) * spacing + n % spacing;
  return tokens[visit % tokens.length];
}
const total = ROUNDS * PER + 4000;
async function build(create: typeof newApp) {
  const t = await create({ ECHELON_RATE_LIMIT_MAX: "0" });
  t.clock.now = Date.now();
  let tokens: string[] = [];
  if (mix !== "none") {
    const { hitsPerToken, spacing } = TOKEN_MIXES[mix];
    tokens = benchTokens(
      t.services.pow as never,
      "bench",
      (Math.ceil(total / (hitsPerToken * spacing)) + 1) * spacing,
    );
  }
  const reqs = Array.from({ length: total }, (_, n) => {
    const sid = `${n.toString(16).padStart(8, "0")}-0001-4000-8000-${String(n).padStart(12, "0")}`;
    const tok = mix === "none" ? "" : `&tok=${encodeURIComponent(tokenAt(n, tokens))}`;
    return new Request(
      `http://127.0.0.1:1947/b.gif?p=${
        encodeURIComponent(btoa(`/bench/${n % 4096}`))
      }&s=bench&sid=${sid}&_v=${1200 + n % 5000}&sw=1920&sh=1080&it=17.12.340${tok}`,
      { headers: HEADERS },
    );
  });
  for (const r of reqs) {
    r.url;
    r.headers;
  }
  return { t, reqs };
}
const A = await build(baseApp as never), B = await build(newApp);
const info = { remoteAddr: { hostname: "127.0.0.1" } };
const res: Record<string, number[]> = { base: [], new: [] };
let n = 0;
const run = (x: typeof A, from: number, count: number) => {
  const s = performance.now();
  for (let i = from; i < from + count; i++) x.t.fetch(x.reqs[i], info);
  return (performance.now() - s) * 1000 / count;
};
run(A, 0, 4000);
run(B, 0, 4000);
A.t.services.collect.views.flush();
B.t.services.collect.views.flush();
n = 4000;
for (let r = 0; r < ROUNDS; r++) {
  const order = r % 2 ? [["base", A], ["new", B]] as const : [["new", B], ["base", A]] as const;
  for (const [k, x] of order) res[k].push(run(x, n, PER));
  n += PER;
  A.t.services.collect.views.flush();
  B.t.services.collect.views.flush();
}
const q = (v: number[], p: number) => [...v].sort((a, b) => a - b)[Math.floor(p * (v.length - 1))];
for (const k of ["base", "new"]) {
  console.log(
    `${mix} ${k}: min ${q(res[k], 0).toFixed(2)} p25 ${q(res[k], 0.25).toFixed(2)} median ${
      q(res[k], 0.5).toFixed(2)
    } µs/hit (fast path, wall)`,
  );
}
const ratios = res.base.map((b, i) => res.new[i] / b);
console.log(
  `new/base per round: median ${q(ratios, 0.5).toFixed(3)} [p25 ${
    q(ratios, 0.25).toFixed(3)
  } – p75 ${q(ratios, 0.75).toFixed(3)}]`,
);
Deno.exit(0);
