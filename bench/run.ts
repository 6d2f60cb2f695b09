// `deno task bench`: runs every benchmark section (bench/sections.ts), prints the table, and writes
// bench/results/latest.json, latest.md and README.md's copy of the table. Each figure names the
// command that produced it.
//
//   deno task bench                          every section; writes latest.* and README.md
//   deno task bench -- pixel events          only those sections; prints, writes nothing
//   deno task bench -- --merge events rss    only those; replaces their rows in latest.* and README
//   … --post <url>                           also posts the figures (bench/post.ts)
import { type BenchArgs, parseBenchArgs } from "./args.ts";
import { postBenchResult } from "./post.ts";
import { publishResult } from "./publish.ts";
import { type BenchResult, renderMarkdown, type SectionRun } from "./report.ts";
import { SECTIONS } from "./sections.ts";
import { hasWrk } from "./wrk.ts";

if (import.meta.main) {
  if (!hasWrk()) {
    console.error("wrk is required: apt-get install -y wrk");
    Deno.exit(1);
  }
  let args: BenchArgs;
  try {
    args = parseBenchArgs(Deno.args, Deno.env.toObject(), Object.keys(SECTIONS));
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    Deno.exit(2);
  }
  // Every section of this invocation carries its start: the report groups sections by run.
  const started: SectionRun = {
    date: new Date().toISOString(),
    machine: { cpus: navigator.hardwareConcurrency, deno: Deno.version.deno },
  };
  const sections: Record<string, SectionRun> = {};
  const figures: BenchResult["figures"] = [];
  for (const [name, run] of Object.entries(SECTIONS)) {
    if (args.sections.length && !args.sections.includes(name)) continue;
    sections[name] = started;
    figures.push(...(await run()).map((figure) => ({ section: name, ...figure })));
  }
  const result: BenchResult = {
    date: new Date().toISOString(),
    machine: started.machine,
    sections,
    figures,
  };
  // A partial run without --merge only prints: latest.* always hold every section's figures.
  const full = Object.keys(SECTIONS).every((name) => name in sections);
  console.log(
    full || args.merge
      ? await publishResult(result, { merge: !full, order: Object.keys(SECTIONS) })
      : renderMarkdown(result),
  );
  if (args.target && !await postBenchResult(args.target, result)) Deno.exitCode = 1;
  Deno.exit(Deno.exitCode); // sections may leave handles (browsers, timers) behind
}
