// Writes a bench run where it is read: bench/results/latest.json, latest.md (its table) and the
// block of README.md that includes latest.md. A merge run first reads the saved latest.json.
import { withReadmeBenchBlock } from "./readme_block.ts";
import { type BenchResult, mergeResults, renderMarkdown } from "./report.ts";

export const RESULTS_DIR = new URL("./results/", import.meta.url);
export const LATEST_JSON = new URL("latest.json", RESULTS_DIR);
export const LATEST_MD = new URL("latest.md", RESULTS_DIR);
export const README = new URL("../README.md", import.meta.url);

export async function readLatest(): Promise<BenchResult> {
  return JSON.parse(await Deno.readTextFile(LATEST_JSON)) as BenchResult;
}

/**
 * Saves `fresh` (with `merge`, only its sections replace theirs in the saved latest.json) and
 * rewrites README's block; returns the Markdown written.
 */
export async function publishResult(
  fresh: BenchResult,
  options: { merge: boolean; order: readonly string[] },
): Promise<string> {
  const result = options.merge ? mergeResults(await readLatest(), fresh, options.order) : fresh;
  const markdown = renderMarkdown(result);
  await Deno.mkdir(RESULTS_DIR, { recursive: true });
  await Deno.writeTextFile(LATEST_JSON, JSON.stringify(result, null, 2) + "\n");
  await Deno.writeTextFile(LATEST_MD, markdown);
  // Last, so a README without its markers cannot cost the run's figures.
  const readme = await Deno.readTextFile(README);
  const updated = withReadmeBenchBlock(readme, markdown);
  if (updated !== readme) await Deno.writeTextFile(README, updated);
  return markdown;
}
