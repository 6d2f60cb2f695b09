// README.md includes bench/results/latest.md verbatim between two markers; `deno task bench`
// rewrites that block and tests/bench_report_test.ts checks it. The markers sit inside a
// deno-fmt-ignore range so `deno fmt` leaves the generated table as it was written.
export const BENCH_START = "<!-- bench:start -->";
export const BENCH_END = "<!-- bench:end -->";

/** Offsets of the lines that are exactly `marker` (prose may quote a marker inside a line). */
function markerLines(readme: string, marker: string): number[] {
  const offsets: number[] = [];
  for (let at = readme.indexOf(marker); at >= 0; at = readme.indexOf(marker, at + 1)) {
    const lineStart = at === 0 || readme[at - 1] === "\n";
    const lineEnd = at + marker.length === readme.length || readme[at + marker.length] === "\n";
    if (lineStart && lineEnd) offsets.push(at);
  }
  return offsets;
}

function blockBounds(readme: string): { from: number; to: number } {
  const starts = markerLines(readme, BENCH_START);
  const ends = markerLines(readme, BENCH_END);
  if (starts.length > 1 || ends.length > 1) {
    throw new Error(`README.md has more than one "${BENCH_START}" … "${BENCH_END}" block`);
  }
  if (starts.length === 0 || ends.length === 0 || ends[0] < starts[0]) {
    throw new Error(`README.md needs a line "${BENCH_START}" followed by a line "${BENCH_END}"`);
  }
  return { from: starts[0] + BENCH_START.length + 1, to: ends[0] };
}

/** The text between the markers (each marker on its own line). */
export function readmeBenchBlock(readme: string): string {
  const { from, to } = blockBounds(readme);
  return readme.slice(from, to);
}

/** README with the block replaced by `markdown` (which ends with a newline). */
export function withReadmeBenchBlock(readme: string, markdown: string): string {
  const { from, to } = blockBounds(readme);
  const body = markdown.endsWith("\n") ? markdown : `${markdown}\n`;
  return readme.slice(0, from) + body + readme.slice(to);
}
