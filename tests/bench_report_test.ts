// Tests for the benchmark report (bench/report.ts, readme_block.ts, args.ts and the small helpers
// of the sections): README.md's table is bench/results/latest.md verbatim, latest.md is rendered
// from latest.json, merges replace whole sections, and the measuring helpers read what they say.
import assert from "node:assert/strict";
import { parseBenchArgs } from "../bench/args.ts";
import { BARE_SERVER } from "../bench/bare_process.ts";
import { timeToFirstOk } from "../bench/coldstart_section.ts";
import { median, round } from "../bench/numbers.ts";
import { parseProcStat, processCpuMs } from "../bench/proc_cpu.ts";
import { parseProcStatus, processMemory } from "../bench/proc_memory.ts";
import { LATEST_JSON, LATEST_MD, README } from "../bench/publish.ts";
import {
  BENCH_END,
  BENCH_START,
  readmeBenchBlock,
  withReadmeBenchBlock,
} from "../bench/readme_block.ts";
import {
  type BenchFigure,
  type BenchResult,
  legacySection,
  mergeResults,
  renderMarkdown,
  sectionCommand,
} from "../bench/report.ts";
import { lostHits } from "../bench/stored_rows.ts";

const MACHINE = { cpus: 2, deno: "2.9.6" };

function figure(section: string | undefined, name: string, value = 1): BenchFigure {
  return { ...(section ? { section } : {}), name, value, unit: "ms", command: `bench ${name}` };
}

function run(date: string, figures: BenchFigure[], machine = MACHINE): BenchResult {
  const sections = Object.fromEntries(
    [...new Set(figures.map((f) => f.section!))].map((s) => [s, { date, machine }]),
  );
  return { date, machine, sections, figures };
}

// ---- The committed files

Deno.test("README.md's bench block is exactly bench/results/latest.md", async () => {
  const readme = await Deno.readTextFile(README);
  const latest = await Deno.readTextFile(LATEST_MD);
  assert.equal(
    readmeBenchBlock(readme),
    latest,
    "README.md's table differs from bench/results/latest.md: `deno task bench` (or `-- --merge " +
      "<sections>`) rewrites both",
  );
});

Deno.test("bench/results/latest.md is rendered from latest.json, not edited by hand", async () => {
  const result = JSON.parse(await Deno.readTextFile(LATEST_JSON)) as BenchResult;
  assert.equal(await Deno.readTextFile(LATEST_MD), renderMarkdown(result));
});

// ---- README block

const README_TEXT = `# Title\n\nBefore.\n\n<!-- deno-fmt-ignore-start -->\n${BENCH_START}\n` +
  `| old |\n${BENCH_END}\n<!-- deno-fmt-ignore-end -->\n\nAfter.\n`;

Deno.test("readmeBenchBlock reads the lines between the markers", () => {
  assert.equal(readmeBenchBlock(README_TEXT), "| old |\n");
});

Deno.test("withReadmeBenchBlock replaces only the block, and is idempotent", () => {
  const updated = withReadmeBenchBlock(README_TEXT, "| new |\n| rows |\n");
  assert.equal(
    updated,
    README_TEXT.replace("| old |\n", "| new |\n| rows |\n"),
  );
  assert.equal(readmeBenchBlock(updated), "| new |\n| rows |\n");
  assert.equal(withReadmeBenchBlock(updated, "| new |\n| rows |\n"), updated);
  // A missing final newline is added, so the end marker keeps its own line.
  assert.equal(readmeBenchBlock(withReadmeBenchBlock(README_TEXT, "| x |")), "| x |\n");
});

Deno.test("the README block needs exactly one pair of markers, each on its own line", () => {
  assert.throws(() => readmeBenchBlock("# no block\n"), /needs a line/);
  assert.throws(() => readmeBenchBlock(`${BENCH_END}\n${BENCH_START}\n`), /needs a line/);
  assert.throws(() => readmeBenchBlock(README_TEXT + README_TEXT), /more than one/);
  assert.throws(
    () => withReadmeBenchBlock(`${BENCH_START}\n| a | ${BENCH_END}\n`, "x\n"),
    /needs a line/,
  );
});

Deno.test("markers quoted inside a line of prose are not the block's", () => {
  const prose = `The table sits between \`${BENCH_START}\` and \`${BENCH_END}\`.\n\n`;
  assert.equal(readmeBenchBlock(prose + README_TEXT), "| old |\n");
  assert.equal(
    withReadmeBenchBlock(prose + README_TEXT, "| new |\n"),
    prose + README_TEXT.replace("| old |", "| new |"),
  );
});

// ---- Rendering

Deno.test("renderMarkdown: one row per figure, dashes for what a figure lacks", () => {
  const md = renderMarkdown(run("2026-11-21T09:31:39.839Z", [
    {
      section: "pixel",
      name: "GET /b.gif vs bare",
      value: 31205,
      unit: "req/s",
      baseline: 67141,
      ratio: 0.465,
      budget: "ratio ≥ 0.5",
      command: "deno task bench -- pixel (wrk)",
    },
    { section: "pow", name: "PoW verify", value: 8.05, unit: "µs/token", command: "pow" },
  ]));
  assert.equal(
    md,
    "| Benchmark | Result | Baseline | Ratio | Budget | Command |\n" +
      "|---|---|---|---|---|---|\n" +
      "| GET /b.gif vs bare | 31,205 req/s | 67,141 | 0.465 | ratio ≥ 0.5 | " +
      "`deno task bench -- pixel (wrk)` |\n" +
      "| PoW verify | 8.05 µs/token | — | — | — | `pow` |\n" +
      "\nMeasured (sections: run date, machine): pixel, pow: 2026-11-21 09:31 UTC, 2 CPUs, " +
      "Deno 2.9.6.\n",
  );
});

Deno.test("renderMarkdown escapes pipes and lists each run of a merged result", () => {
  const result: BenchResult = {
    date: "2026-11-22T10:00:00.000Z",
    machine: MACHINE,
    sections: {
      pixel: { date: "2026-11-21T09:31:00.000Z", machine: MACHINE },
      events: { date: "2026-11-22T10:00:00.000Z", machine: { cpus: 4, deno: "2.9.6" } },
      rss: { date: "2026-11-22T10:00:00.000Z", machine: { cpus: 4, deno: "2.9.6" } },
    },
    figures: [
      figure("pixel", "a | b"),
      figure("events", "c"),
      figure("rss", "d"),
    ],
  };
  const md = renderMarkdown(result);
  assert.match(md, /^\| a \\\| b \| 1 ms \|/m);
  assert.match(
    md,
    /Measured \(sections: run date, machine\): pixel: 2026-11-21 09:31 UTC, 2 CPUs, Deno 2\.9\.6; events, rss: 2026-11-22 10:00 UTC, 4 CPUs, Deno 2\.9\.6\.\n$/,
  );
});

Deno.test("sectionCommand names the command that reruns a section", () => {
  assert.equal(sectionCommand("events", "wrk -t2"), "deno task bench -- events (wrk -t2)");
});

// ---- Merging

Deno.test("mergeResults replaces the sections that ran and keeps the others with their runs", () => {
  const saved = run("2026-11-21T09:00:00.000Z", [
    figure("health", "h"),
    figure("pixel", "p1"),
    figure("pixel", "p2"),
    figure("stats", "s"),
  ]);
  const fresh = run("2026-11-22T10:00:00.000Z", [
    figure("pixel", "p-new"),
    figure("events", "e"),
  ]);
  const order = ["health", "pixel", "events", "stats"];
  const merged = mergeResults(saved, fresh, order);
  assert.deepEqual(merged.figures.map((f) => f.name), ["h", "p-new", "e", "s"]);
  assert.deepEqual(Object.keys(merged.sections), order);
  assert.equal(merged.sections.health.date, "2026-11-21T09:00:00.000Z");
  assert.equal(merged.sections.pixel.date, "2026-11-22T10:00:00.000Z");
  assert.equal(merged.sections.events.date, "2026-11-22T10:00:00.000Z");
  assert.equal(merged.date, fresh.date);
  // Merging the same run again changes nothing.
  assert.deepEqual(mergeResults(merged, fresh, order), merged);
});

Deno.test("mergeResults: a section that ran without figures clears its saved rows", () => {
  const saved = run("2026-11-21T09:00:00.000Z", [figure("pixel", "p"), figure("rss", "r")]);
  const fresh: BenchResult = {
    date: "2026-11-22T10:00:00.000Z",
    machine: MACHINE,
    sections: { rss: { date: "2026-11-22T10:00:00.000Z", machine: MACHINE } },
    figures: [],
  };
  const merged = mergeResults(saved, fresh, ["pixel", "rss"]);
  assert.deepEqual(merged.figures.map((f) => f.name), ["p"]);
  assert.equal(merged.sections.rss.date, "2026-11-22T10:00:00.000Z");
});

Deno.test("mergeResults keeps saved sections the bench no longer lists, at the end", () => {
  const saved = run("2026-11-21T09:00:00.000Z", [figure("retired", "x"), figure("pixel", "p")]);
  const fresh = run("2026-11-22T10:00:00.000Z", [figure("events", "e")]);
  const merged = mergeResults(saved, fresh, ["pixel", "events"]);
  assert.deepEqual(merged.figures.map((f) => f.name), ["p", "e", "x"]);
});

Deno.test("mergeResults reads files written before figures carried their section", () => {
  const legacy: BenchResult = {
    date: "2026-11-21T09:31:39.839Z",
    machine: MACHINE,
    figures: [
      { ...figure(undefined, "GET /api/health (full app) vs bare Deno.serve"), command: "wrk" },
      { ...figure(undefined, "GET /b.gif"), command: "deno task bench (wrk -s pixel.lua)" },
      { ...figure(undefined, "PoW verify"), command: "deno run -A bench/pow_bench.ts" },
    ],
  };
  const fresh = run("2026-11-22T10:00:00.000Z", [figure("events", "e")]);
  const merged = mergeResults(legacy, fresh, ["health", "pixel", "events", "pow"]);
  assert.deepEqual(merged.figures.map((f) => [f.section, f.value]), [
    ["health", 1],
    ["pixel", 1],
    ["events", 1],
    ["pow", 1],
  ]);
  assert.equal(merged.sections.pixel.date, legacy.date);
});

Deno.test("legacySection recognises each section's old command and refuses a stranger", () => {
  const of = (name: string, command: string) =>
    legacySection({ ...figure(undefined, name), command });
  assert.equal(of("x", "deno run -A bench/tracker_bench.ts (Chromium)"), "tracker");
  assert.equal(of("x", "deno run -A bench/stats_bench.ts (in-process)"), "stats");
  assert.throws(() => of("mystery", "make bench"), /cannot tell which section/);
});

// ---- Arguments

Deno.test("parseBenchArgs: sections, --merge and --post", () => {
  const known = ["pixel", "events", "rss"];
  assert.deepEqual(parseBenchArgs(["--", "events", "rss"], {}, known), {
    sections: ["events", "rss"],
    merge: false,
    target: null,
  });
  const merged = parseBenchArgs(["--merge", "events", "--post", "http://x.test/"], {
    ECHELON_API_KEY: "k",
  }, known);
  assert.deepEqual(merged, {
    sections: ["events"],
    merge: true,
    target: { url: "http://x.test", token: "k" },
  });
  assert.throws(() => parseBenchArgs(["--merge"], {}, known), /--merge needs the sections/);
  assert.throws(() => parseBenchArgs(["pixle"], {}, known), /unknown section\(s\) pixle/);
});

// ---- Measuring helpers

Deno.test("parseProcStatus reads VmRSS and VmHWM in MB", () => {
  const status = "Name:\tdeno\nVmPeak:\t 9999 kB\nVmHWM:\t  307200 kB\nVmRSS:\t  118272 kB\n";
  assert.deepEqual(parseProcStatus(status), { rssMb: 115.5, peakRssMb: 300 });
  assert.throws(() => parseProcStatus("Name:\tdeno\n"), /without VmRSS/);
});

Deno.test({
  name: "processMemory reads this process's RSS, never above its peak",
  ignore: Deno.build.os !== "linux",
  fn() {
    const memory = processMemory(Deno.pid);
    assert.ok(memory.rssMb > 0);
    assert.ok(memory.rssMb <= memory.peakRssMb);
  },
});

Deno.test("parseProcStat sums utime and stime (fields 14, 15) in ms, past a comm with spaces", () => {
  const stat = "4242 (deno (x) y) S 1 4242 4242 0 -1 4194304 130 0 0 0 250 75 0 0 20 0 1 0 99";
  assert.equal(parseProcStat(stat), 3250);
  assert.throws(() => parseProcStat("4242 (deno) S 1"), /bad \/proc stat/);
});

Deno.test({
  name: "processCpuMs counts this process's computing (10 ms ticks)",
  ignore: Deno.build.os !== "linux",
  fn() {
    const before = processCpuMs(Deno.pid);
    const deadline = performance.now() + 10_000;
    while (processCpuMs(Deno.pid) - before < 30 && performance.now() < deadline) {
      for (let i = 0; i < 1e5; i++) Math.sqrt(i);
    }
    assert.ok(processCpuMs(Deno.pid) - before >= 30, "30 ms of CPU within 10 s");
  },
});

Deno.test("lostHits: accepted hits neither stored nor counted as dropped", () => {
  assert.equal(lostHits(100, { rows: 95, valid: 0, dropped: 5 }), 0);
  assert.equal(lostHits(100, { rows: 90, valid: 0, dropped: 5 }), 5);
  // Requests in flight at wrk's deadline may be stored uncounted: extra rows are not "negative loss".
  assert.equal(lostHits(100, { rows: 130, valid: 0, dropped: 0 }), 0);
  assert.equal(lostHits(100, { rows: 196, valid: 0, dropped: 2 }, 2), 0);
  assert.equal(lostHits(100, { rows: 190, valid: 0, dropped: 2 }, 2), 6);
});

Deno.test("median and round", () => {
  assert.equal(median([5, 1, 3]), 3);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.throws(() => median([]), /no values/);
  assert.equal(round(0.46548), 0.465);
  assert.equal(round(1.23456, 1), 1.2);
});

Deno.test("timeToFirstOk times a real process up to its first 200 and stops it", async () => {
  const ms = await timeToFirstOk({ args: ["run", "-A", BARE_SERVER, "health", "$PORT"], env: {} });
  assert.ok(ms > 0 && ms < 30_000, `${ms} ms`);
});
