// `deno task bench`'s arguments: section names, `--merge` (replace only those sections' rows in
// bench/results/latest.*) and `--post <url>` (bench/post.ts).
import { benchPostTarget, type PostTarget } from "./post.ts";

export interface BenchArgs {
  /** The sections to run; empty means all. */
  sections: string[];
  merge: boolean;
  target: PostTarget | null;
}

export function parseBenchArgs(
  args: readonly string[],
  env: Record<string, string | undefined>,
  known: readonly string[],
): BenchArgs {
  const merge = args.includes("--merge");
  const { sections, target } = benchPostTarget(args.filter((a) => a !== "--merge"), env);
  const unknown = sections.filter((name) => !known.includes(name));
  if (unknown.length) {
    throw new Error(`unknown section(s) ${unknown.join(", ")}; known: ${known.join(", ")}`);
  }
  if (merge && sections.length === 0) {
    throw new Error("--merge needs the sections to run, e.g. --merge events rss");
  }
  return { sections, merge, target };
}

/** A standalone bench's positive integer flag `--name n` from `args`, else `fallback`. */
export function intFlag(args: readonly string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  const n = i >= 0 ? Number(args[i + 1]) : fallback;
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name}: ${args[i + 1]}`);
  return n;
}
