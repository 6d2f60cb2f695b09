// Figures of one traffic class in the mix test, from what a user sees (the dashboard's human
// visitors and page views) and what was stored (every row's score and per-signal detail), and
// the table the test prints.
import type { World } from "./_mix_world.ts";

export interface ClassFigures {
  /** Visitors the class sent (distinct clients). */
  visitors: number;
  /** Page views stored for its site, whatever their score. */
  storedViews: number;
  storedEvents: number;
  /** Human visitors and page views on the dashboard (overview API). */
  counted: { visitors: number; views: number };
  /** Stored page views scored under the threshold (must equal counted.views). */
  humanRows: number;
  scores: number[];
  /** Stored page views by proof-of-work verdict. */
  verdicts: Record<string, number>;
  /** Rows carrying each signal, by detail key. */
  signals: Record<string, number>;
}

export async function measure(world: World, siteId: string, visitors: number) {
  const { views, events } = await world.stored(siteId);
  const signals: Record<string, number> = {};
  const verdicts: Record<string, number> = {};
  for (const row of views) {
    const verdict = String(row.pow_verdict);
    verdicts[verdict] = (verdicts[verdict] ?? 0) + 1;
    const detail = JSON.parse(row.bot_score_detail ?? "{}") as Record<string, unknown>;
    for (const [key, value] of Object.entries(detail)) {
      if (typeof value === "number" && value !== 0) signals[key] = (signals[key] ?? 0) + 1;
    }
  }
  return {
    visitors,
    storedViews: views.length,
    storedEvents: events.length,
    counted: await world.counted(siteId),
    humanRows: views.filter((row) => row.bot_score < 50).length,
    scores: views.map((row) => row.bot_score),
    verdicts,
    signals,
  } satisfies ClassFigures;
}

/** The share of a class's visitors the dashboard counts as human. */
export const countedShare = (f: ClassFigures) => f.visitors ? f.counted.visitors / f.visitors : 0;

const percent = (share: number) => `${Math.round(share * 1000) / 10} %`;

function range(scores: number[]): string {
  if (!scores.length) return "—";
  return `${Math.min(...scores)}–${Math.max(...scores)}`;
}

function topSignals(f: ClassFigures): string {
  return Object.entries(f.signals).sort((a, b) => b[1] - a[1]).slice(0, 5)
    .map(([key, rows]) => `${key} ${rows}/${f.storedViews}`).join(", ") || "—";
}

export interface ReportLine {
  name: string;
  expected: string;
  ingest: ClassFigures;
  swept: ClassFigures;
  note?: string;
}

/** One line per class: counted share at ingest and after the 5-minute sweeps, scores, signals. */
export function formatTable(lines: ReportLine[]): string {
  const rows = [[
    "class",
    "expected counted",
    "visitors",
    "views stored",
    "counted (ingest)",
    "counted (after sweep)",
    "human views",
    "scores",
    "PoW verdicts",
    "signals (rows)",
  ]];
  for (const { name, expected, ingest, swept, note } of lines) {
    rows.push([
      name,
      expected,
      String(swept.visitors),
      String(swept.storedViews),
      percent(countedShare(ingest)),
      percent(countedShare(swept)),
      `${swept.counted.views}/${swept.storedViews}`,
      range(swept.scores),
      Object.entries(swept.verdicts).map(([verdict, rows]) => `${verdict} ${rows}`).join(", "),
      topSignals(swept) + (note ? ` (${note})` : ""),
    ]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  return rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i])).join(" | ").trimEnd())
    .join("\n");
}
