// The benchmark report: figures tagged with the section that measured them, a run merged into the
// saved one section by section (`deno task bench -- --merge …`), and the Markdown table that
// bench/results/latest.md holds and README.md includes.

export interface BenchFigure {
  /** The `deno task bench` section that measured it (missing in files written before sections). */
  section?: string;
  name: string;
  value: number;
  unit: string;
  baseline?: number;
  ratio?: number;
  /** The docs/architecture.md budget this figure is checked against, when there is one. */
  budget?: string;
  command: string;
}

/** When a section's figures were measured, and on what. */
export interface SectionRun {
  date: string;
  machine: Record<string, unknown>;
}

export interface BenchResult {
  /** When the file was written. */
  date: string;
  machine: Record<string, unknown>;
  /** Per section, the run its figures come from (a merge keeps the other sections' runs). */
  sections?: Record<string, SectionRun>;
  figures: BenchFigure[];
}

/** `deno task bench -- pixel (wrk …)`: the command that reproduces one section's figure. */
export function sectionCommand(section: string, detail: string): string {
  return `deno task bench -- ${section} (${detail})`;
}

/**
 * The section of a figure from a file written before figures carried one (bench runs up to
 * 2026-11-21), recognised by the command each section used to name.
 */
export function legacySection(figure: BenchFigure): string {
  const { command, name } = figure;
  if (command.includes("pow_bench.ts")) return "pow";
  if (command.includes("tracker_bench.ts")) return "tracker";
  if (command.includes("stats_bench.ts")) return "stats";
  if (command.includes("pixel.lua")) return "pixel";
  if (name.startsWith("GET /api/health")) return "health";
  throw new Error(`cannot tell which section measured "${name}" (command "${command}")`);
}

/** Every figure with its section and every section with its run (old files: the file's run). */
export function withSections(result: BenchResult): Required<BenchResult> {
  const figures = result.figures.map((f) => f.section ? f : { ...f, section: legacySection(f) });
  // A section that ran without figures keeps its entry: merged, it clears the saved rows.
  const sections: Record<string, SectionRun> = { ...result.sections };
  for (const { section } of figures) {
    sections[section!] ??= { date: result.date, machine: result.machine };
  }
  return { ...result, figures, sections };
}

/**
 * The saved result with the sections `fresh` ran replaced by its figures, in `order` (sections
 * not in `order`, from an older version of the bench, keep their place at the end).
 */
export function mergeResults(
  saved: BenchResult,
  fresh: BenchResult,
  order: readonly string[],
): Required<BenchResult> {
  const old = withSections(saved);
  const now = withSections(fresh);
  const names = [...order, ...Object.keys(old.sections).filter((s) => !order.includes(s))];
  const figures: BenchFigure[] = [];
  const sections: Record<string, SectionRun> = {};
  for (const name of names) {
    const source = name in now.sections ? now : name in old.sections ? old : null;
    if (!source) continue;
    sections[name] = source.sections[name];
    figures.push(...source.figures.filter((f) => f.section === name));
  }
  return { date: fresh.date, machine: fresh.machine, sections, figures };
}

const cell = (text: string) => text.replaceAll("|", "\\|");

/** The table (one row per figure) and a line naming when and where each section ran. */
export function renderMarkdown(result: BenchResult): string {
  const { figures, sections } = withSections(result);
  const lines = [
    "| Benchmark | Result | Baseline | Ratio | Budget | Command |",
    "|---|---|---|---|---|---|",
    ...figures.map((f) =>
      `| ${cell(f.name)} | ${f.value.toLocaleString("en-US")} ${cell(f.unit)} | ${
        f.baseline?.toLocaleString("en-US") ?? "—"
      } | ${f.ratio ?? "—"} | ${cell(f.budget ?? "—")} | \`${cell(f.command)}\` |`
    ),
  ];
  // Sections measured in the same run share a line: "health, pixel: 2026-11-21 09:31 UTC, …".
  const runs = new Map<string, string[]>();
  for (const [name, run] of Object.entries(sections)) {
    const key = `${run.date.slice(0, 16).replace("T", " ")} UTC, ${machineLabel(run.machine)}`;
    runs.set(key, [...runs.get(key) ?? [], name]);
  }
  const measured = [...runs].map(([key, names]) => `${names.join(", ")}: ${key}`).join("; ");
  return `${lines.join("\n")}\n\nMeasured (sections: run date, machine): ${measured}.\n`;
}

function machineLabel(machine: Record<string, unknown>): string {
  const parts = [];
  if (machine.cpus !== undefined) parts.push(`${machine.cpus} CPUs`);
  if (machine.deno !== undefined) parts.push(`Deno ${machine.deno}`);
  return parts.join(", ") || "machine not recorded";
}
