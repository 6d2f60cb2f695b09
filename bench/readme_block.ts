// README.md includes bench/results/latest.md verbatim between two markers; `deno task bench`
// rewrites that block and tests/bench_report_test.ts checks it. The markers sit inside a
// deno-fmt-ignore range so `deno fmt` leaves the generated table as it was written.
import { type MarkerBlock, readBlock, writeBlock } from "../scripts/markdown.ts";

export const BENCH_START = "<!-- bench:start -->";
export const BENCH_END = "<!-- bench:end -->";
const BLOCK: MarkerBlock = { start: BENCH_START, end: BENCH_END, file: "README.md" };

/** The text between the markers (each marker on its own line). */
export function readmeBenchBlock(readme: string): string {
  return readBlock(readme, BLOCK);
}

/** README with the block replaced by `markdown` (which ends with a newline). */
export function withReadmeBenchBlock(readme: string, markdown: string): string {
  return writeBlock(readme, BLOCK, markdown);
}
