// Posts a bench run's figures to a running Echelon instance as performance metrics (category
// "echelon-bench"), so /admin/perf charts our own benchmarks over commits. Used by
// `deno task bench -- --post <url>` (or ECHELON_BENCH_POST_URL), and on its own to post a saved
// run: `deno run -A bench/post.ts --post <url> [bench/results/latest.json]`. The token is
// ECHELON_API_KEY (a write key) or ECHELON_SECRET; commit and branch come from CI variables or git.
import { unitRule } from "../lib/perf/units.ts";
import type { BenchFigure, BenchResult } from "./report.ts";

export const BENCH_CATEGORY = "echelon-bench";

export type { BenchFigure, BenchResult };

export interface PostTarget {
  /** The instance's base URL; metrics go to `${url}/api/perf`. */
  url: string;
  token: string;
}

export interface BenchMetric {
  category: string;
  metric: string;
  value: number;
  unit: string;
  commit?: string;
  branch?: string;
  recorded_at: string;
  metadata: Record<string, unknown>;
}

type Env = Record<string, string | undefined>;

/**
 * Splits `--post <url>` / `--post=<url>` off the bench's arguments (the rest are section names);
 * without the flag, ECHELON_BENCH_POST_URL. Throws when a URL is given but no token.
 */
export function benchPostTarget(
  args: readonly string[],
  env: Env,
): { sections: string[]; target: PostTarget | null } {
  const sections: string[] = [];
  let url = env.ECHELON_BENCH_POST_URL?.trim() || null;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--") continue;
    if (arg === "--post") {
      url = args[++i] ?? "";
      if (!url) throw new Error("--post needs the instance's URL");
    } else if (arg.startsWith("--post=")) {
      url = arg.slice("--post=".length);
    } else {
      sections.push(arg);
    }
  }
  if (url === null) return { sections, target: null };
  let parsed: URL;
  try {
    parsed = new URL(url);
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new Error();
  } catch {
    throw new Error(`--post: "${url}" is not an http(s) URL`);
  }
  const token = env.ECHELON_API_KEY?.trim() || env.ECHELON_SECRET?.trim() || "";
  if (!token) {
    throw new Error("posting needs a token: set ECHELON_API_KEY (a write key) or ECHELON_SECRET");
  }
  return { sections, target: { url: parsed.href.replace(/\/+$/, ""), token } };
}

/** "GET /b.gif rows … (0 dropped, 0 lost)" → without the run-specific counts in parentheses. */
function metricName(name: string): string {
  return name.replace(/\s*\([^()]*\d[^()]*\)\s*$/, "").slice(0, 128);
}

/** "B minified (source 40476 B)" → "B"; "ms median (p90 10 ms)" → "ms". */
function unitOf(unit: string): string {
  return (unit.trim().split(/\s+/)[0] || "value").slice(0, 32);
}

/**
 * One metric per figure (its details in metadata) plus, for throughput figures measured against
 * a bare baseline in the same run, the ratio as its own metric: it cancels the machine's speed,
 * so it is the figure worth trending across CI runners.
 */
export function figuresToMetrics(
  result: BenchResult,
  git: { commit: string | null; branch: string | null },
): BenchMetric[] {
  const base = {
    category: BENCH_CATEGORY,
    recorded_at: result.date,
    ...(git.commit ? { commit: git.commit } : {}),
    ...(git.branch ? { branch: git.branch } : {}),
  };
  const metrics: BenchMetric[] = [];
  for (const figure of result.figures) {
    if (!Number.isFinite(figure.value)) continue;
    const name = metricName(figure.name);
    const unit = unitOf(figure.unit);
    const metadata: Record<string, unknown> = { command: figure.command, machine: result.machine };
    if (figure.unit !== unit) metadata.unit_detail = figure.unit;
    if (figure.baseline !== undefined) metadata.baseline = figure.baseline;
    if (figure.ratio !== undefined) metadata.ratio = figure.ratio;
    if (figure.budget !== undefined) metadata.budget = figure.budget;
    if (name !== figure.name) metadata.name = figure.name;
    metrics.push({ ...base, metric: name, value: figure.value, unit, metadata });
    if (
      figure.ratio !== undefined && Number.isFinite(figure.ratio) &&
      unitRule(unit)?.direction === "higher"
    ) {
      metrics.push({
        ...base,
        metric: `${name} — ratio to baseline`.slice(0, 128),
        value: figure.ratio,
        unit: "ratio",
        metadata: { command: figure.command, baseline_unit: unit },
      });
    }
  }
  return metrics;
}

async function git(args: string[]): Promise<string | null> {
  try {
    const out = await new Deno.Command("git", { args, stdout: "piped", stderr: "null" }).output();
    const text = new TextDecoder().decode(out.stdout).trim();
    return out.success && text !== "" ? text : null;
  } catch {
    return null; // no git here
  }
}

/** The commit and branch: CI's variables first (detached checkouts), then git. */
export async function gitInfo(env: Env): Promise<{ commit: string | null; branch: string | null }> {
  const commit = env.GITHUB_SHA || env.CI_COMMIT_SHA || await git(["rev-parse", "HEAD"]);
  let branch = env.GITHUB_HEAD_REF || env.GITHUB_REF_NAME || env.CI_COMMIT_REF_NAME ||
    await git(["rev-parse", "--abbrev-ref", "HEAD"]);
  if (branch === "HEAD") branch = null; // detached
  return { commit: commit ?? null, branch: branch ?? null };
}

/** POSTs the metrics (in batches of 500); returns how many were stored or throws with the reason. */
export async function postMetrics(target: PostTarget, metrics: BenchMetric[]): Promise<number> {
  let inserted = 0;
  for (let i = 0; i < metrics.length; i += 500) {
    const res = await fetch(`${target.url}/api/perf`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${target.token}`,
        "content-type": "application/json",
      },
      body: JSON.stringify(metrics.slice(i, i + 500)),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    if (res.status !== 201) {
      throw new Error(`POST ${target.url}/api/perf: HTTP ${res.status} ${text.slice(0, 500)}`);
    }
    inserted += JSON.parse(text).inserted;
  }
  return inserted;
}

/** Posts a run and reports it on the console; false (after printing why) when it failed. */
export async function postBenchResult(
  target: PostTarget,
  result: BenchResult,
  env: Env = Deno.env.toObject(),
): Promise<boolean> {
  const info = await gitInfo(env);
  const metrics = figuresToMetrics(result, info);
  try {
    const inserted = await postMetrics(target, metrics);
    console.log(
      `posted ${inserted} metrics to ${target.url} (${BENCH_CATEGORY}` +
        `${info.branch ? `, ${info.branch}` : ""}${
          info.commit ? ` @ ${info.commit.slice(0, 12)}` : ""
        })`,
    );
    return true;
  } catch (error) {
    console.error(`could not post the results: ${error instanceof Error ? error.message : error}`);
    return false;
  }
}

if (import.meta.main) {
  const env = Deno.env.toObject();
  const { sections: files, target } = benchPostTarget(Deno.args, env);
  if (!target) {
    console.error("usage: deno run -A bench/post.ts --post <url> [results.json]");
    Deno.exit(2);
  }
  const file = files[0] ?? new URL("./results/latest.json", import.meta.url).pathname;
  const result = JSON.parse(await Deno.readTextFile(file)) as BenchResult;
  Deno.exit((await postBenchResult(target, result, env)) ? 0 : 1);
}
