// The events page's custom property breakdown: pick an event name and a property key (keys read
// from the stored events of the site and period), see each value with its events, the visitors
// who sent them and its share of the events. Figures come from the query engine (the heavy read
// "query": `event:props:<key>` filtered on `event:name`); the page's bot choice is the engine's.
import type { BotFilter } from "../bots/thresholds.ts";
import type { EventCount } from "../store/lists.ts";
import { PROP_KEY_PATTERN } from "../query/dimensions.ts";
import { type BotMode, MAX_LIMIT, type Query, resolveQuery } from "../query/model.ts";
import type { Reader } from "../reads/mod.ts";
import type { Period } from "./period.ts";

/** The form's parameters (the events list keeps `type` and `name`). */
export const BREAKDOWN_PARAMS = { event: "prop_event", key: "prop_key" } as const;
/** Values shown at most; the share is of all the event's events whatever the cut. */
export const BREAKDOWN_ROWS = 50;

export interface BreakdownChoice {
  eventName: string | null;
  key: string | null;
  /** Why the key was not used (it is shown back in the form). */
  error: string | null;
}

export function parseBreakdown(params: URLSearchParams): BreakdownChoice {
  const eventName = params.get(BREAKDOWN_PARAMS.event)?.trim().slice(0, 128) || null;
  const raw = params.get(BREAKDOWN_PARAMS.key)?.trim() ?? "";
  if (raw === "") return { eventName, key: null, error: null };
  if (!PROP_KEY_PATTERN.test(raw)) {
    return {
      eventName,
      key: null,
      error: `"${raw.slice(0, 80)}" is not a property key (1-64 of A-Z a-z 0-9 _ . -)`,
    };
  }
  return { eventName, key: raw, error: null };
}

/** The engine's names of the counted events (a custom event's name, else its type), most first. */
export function engineEventNames(counts: readonly EventCount[]): string[] {
  const names = counts.map((c) => (c.event_type === "custom" ? c.event_name : c.event_type));
  return [...new Set(names.filter((n): n is string => !!n))];
}

const BOT_MODES: Record<BotFilter, BotMode> = { all: "show", humans: "hide", bots: "only" };

export function breakdownQuery(
  site: string,
  period: Pick<Period, "from" | "to">,
  eventName: string,
  key: string,
  bots: BotFilter,
  now: number,
): Query {
  return resolveQuery({
    site_id: site,
    metrics: ["events", "event_visitors"],
    date_range: [period.from, period.to],
    dimensions: [`event:props:${key}`],
    filters: [["is", "event:name", [eventName]]],
    order_by: [["events", "desc"]],
    pagination: { limit: MAX_LIMIT },
    bots: BOT_MODES[bots],
  }, now);
}

export interface BreakdownRow {
  value: string;
  events: number;
  visitors: number;
  /** Share of the event's events, in percent (one decimal). */
  share: number;
}

export interface Breakdown {
  rows: BreakdownRow[];
  /** Distinct values (events without the key count as "(none)"). */
  values: number;
  events: number;
}

export async function propertyBreakdown(reads: Reader, query: Query): Promise<Breakdown> {
  const answer = await reads.run("query", query);
  const all = answer.results.map((r) => ({
    value: r.dimensions[0],
    events: r.metrics[0] ?? 0,
    visitors: r.metrics[1] ?? 0,
  }));
  const events = all.reduce((sum, r) => sum + r.events, 0);
  const share = (n: number) => (events > 0 ? Math.round((n * 1000) / events) / 10 : 0);
  return {
    rows: all.slice(0, BREAKDOWN_ROWS).map((r) => ({ ...r, share: share(r.events) })),
    values: all.length,
    events,
  };
}
