// Bot scores: a coloured badge (clean < 25 ≤ suspicious < 50 ≤ bot), alone or as a table cell, and
// the stored per-signal breakdown (bot_score_detail) as a table, inside <details> so it costs no
// JavaScript.
import { BOT_SCORE_THRESHOLD, SUSPICIOUS_SCORE } from "../lib/bots/thresholds.ts";
import { Td } from "./DataTable.tsx";

export function ScoreBadge(props: { score: number | null; excluded?: boolean }) {
  const score = props.score;
  if (props.excluded) {
    return (
      <span class="rounded bg-slate-800 px-1.5 py-0.5 text-xs font-medium text-white dark:bg-slate-200 dark:text-slate-900">
        excluded
      </span>
    );
  }
  if (score === null) return <span class="text-slate-400">—</span>;
  const tone = score >= BOT_SCORE_THRESHOLD
    ? "bg-rose-100 text-rose-800 dark:bg-rose-950 dark:text-rose-200"
    : score >= SUSPICIOUS_SCORE
    ? "bg-amber-100 text-amber-800 dark:bg-amber-950 dark:text-amber-200"
    : "bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200";
  return (
    <span class={`rounded px-1.5 py-0.5 text-xs font-medium tabular-nums ${tone}`}>{score}</span>
  );
}

/** The badge as a right-aligned table cell, as the admin lists show a row's score. */
export function ScoreCell(props: { score: number | null; excluded?: boolean }) {
  return (
    <Td numeric>
      <ScoreBadge score={props.score} excluded={props.excluded} />
    </Td>
  );
}

/** One row per signal of a stored breakdown: points for numbers, the value for the rest. */
export function ScoreBreakdown(
  props: { score: number; detail: Record<string, unknown> | null },
) {
  const entries = Object.entries(props.detail ?? {});
  if (entries.length === 0) return <ScoreBadge score={props.score} />;
  return (
    <details class="group">
      <summary class="cursor-pointer list-none">
        <ScoreBadge score={props.score} />{" "}
        <span class="text-xs text-slate-500 group-open:hidden">why?</span>
      </summary>
      <table class="mt-2 text-xs" data-breakdown>
        <tbody>
          {entries.map(([signal, value]) => (
            <tr>
              <th scope="row" class="pr-3 text-left font-mono font-normal text-slate-500">
                {signal}
              </th>
              <td class="font-mono">{describe(value)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

function describe(value: unknown): string {
  if (typeof value === "number") return `+${value}`;
  if (typeof value === "string") return value;
  if (value && typeof value === "object" && "penalty" in value) {
    const { penalty, ...rest } = value as Record<string, unknown>;
    return `+${penalty} ${JSON.stringify(rest)}`;
  }
  return JSON.stringify(value);
}
