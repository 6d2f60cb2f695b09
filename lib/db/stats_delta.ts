// The live part of a day: figures of the rows written since the day's rollup was built (its
// watermark), shaped so they add onto the stored rollup. Visitors count only when new to the
// figure that day; sessions the delta touches are reconciled with what the rollup knew (a new
// session, a bounce that got a second view, an exit page that moved). Per hour, the stored hourly
// rollup plus the same delta gives the live dashboard's last 24 hours fresh to the last write.
import type { Totals } from "../stats/delta.ts";
import type { DimensionRow } from "../stats/terms.ts";
import type { HourRow } from "../store/analytics.ts";
import type { Database } from "./database.ts";
import { addDays, rollupState } from "./rollups.ts";
import { hourlyRollup } from "./stats.ts";
import {
  deltaDimensions,
  deltaHours,
  deltaSessions,
  deltaTotals,
  type HourDelta,
  materializeDelta,
  type SessionDelta,
  type Watermark,
} from "./stats_live.ts";
import { clearScratch, REQUEST_SCRATCH } from "./stats_source.ts";

export interface DayDelta {
  day: string;
  /** When the day's rollup was built (null: never, the delta is the whole day). */
  builtAt: string | null;
  totals: Totals;
  /** dimension → value → additive figures (path rows may carry negative session corrections). */
  dimensions: Map<string, Map<string, DimensionRow>>;
}

/** The watermark of a day's rollup: everything above it is live. */
export function watermarkOf(
  db: Database,
  day: string,
): { through: Watermark; builtAt: string | null } {
  const state = rollupState(db, day);
  return state
    ? {
      through: { viewId: state.through_view_id, eventId: state.through_event_id },
      builtAt: state.built_at,
    }
    : { through: { viewId: 0, eventId: 0 }, builtAt: null };
}

/** The figures of one site's day above its rollup watermark. */
export function dayDelta(db: Database, siteId: string, day: string): DayDelta {
  const { through, builtAt } = watermarkOf(db, day);
  const sizes = materializeDelta(db, { siteId, day, through });
  try {
    const totals = deltaTotals(db);
    const dimensions = new Map<string, Map<string, DimensionRow>>();
    for (const [name, rows] of deltaDimensions(db, sizes)) {
      dimensions.set(name, new Map(rows.map((row) => [row.value, row])));
    }
    applySessions(deltaSessions(db, { siteId, day, through }), `${day}T00:00:00.000Z`, {
      totals,
      dimensions,
    });
    return { day, builtAt, totals, dimensions };
  } finally {
    clearScratch(db, REQUEST_SCRATCH);
  }
}

/** Per-hour figures of one site's day above its rollup watermark. */
export function hourDelta(db: Database, siteId: string, day: string): HourDelta[] {
  const { through } = watermarkOf(db, day);
  const sizes = materializeDelta(db, { siteId, day, through });
  try {
    return sizes.views + sizes.events > 0 ? deltaHours(db) : [];
  } finally {
    clearScratch(db, REQUEST_SCRATCH);
  }
}

const ms = (iso: string) => Date.parse(iso);

/** Adds session changes to a page's row of the `path` dimension. */
function bump(
  dimensions: Map<string, Map<string, DimensionRow>>,
  value: string,
  change: { sessions?: number; bounces?: number; exits?: number },
): void {
  let values = dimensions.get("path");
  if (!values) dimensions.set("path", values = new Map());
  const row = values.get(value) ??
    { value, views: 0, visitors: 0, sessions: 0, bounces: 0, exits: 0 };
  row.sessions += change.sessions ?? 0;
  row.bounces += change.bounces ?? 0;
  row.exits += change.exits ?? 0;
  values.set(value, row);
}

/**
 * Reconciles the sessions the delta touched with the rollup: a session is the day's when its
 * first view is on that day (one that began the day before belongs to that day's rollup).
 */
export function applySessions(
  sessions: readonly SessionDelta[],
  dayStartIso: string,
  into: { totals: Totals; dimensions: Map<string, Map<string, DimensionRow>> },
): void {
  const { totals, dimensions } = into;
  for (const s of sessions) {
    const bounced = s.n === 1 ? 1 : 0;
    if (!s.prior_n) {
      totals.sessions += 1;
      totals.bounces += bounced;
      totals.session_views += s.n;
      totals.session_ms += ms(s.last_at) - ms(s.first_at);
      bump(dimensions, s.entry, { sessions: 1, bounces: bounced });
      bump(dimensions, s.exit, { exits: 1 });
      continue;
    }
    if (s.prior_first! < dayStartIso) continue; // yesterday's session
    const wasBounce = s.prior_n === 1 ? 1 : 0;
    totals.session_views += s.n;
    totals.session_ms += Math.max(0, ms(s.last_at) - ms(s.prior_last!));
    totals.bounces -= wasBounce;
    bump(dimensions, s.prior_entry!, { bounces: -wasBounce });
    bump(dimensions, s.prior_exit!, { exits: -1 });
    bump(dimensions, s.exit, { exits: 1 });
  }
}

/**
 * One site's figures per UTC hour in [fromHour, toHour] (`YYYY-MM-DDTHH`): the hourly rollup
 * plus each day's delta above its watermark, oldest first, hours without any left out.
 */
export function hourActivity(
  db: Database,
  q: { siteId: string; fromHour: string; toHour: string },
): HourRow[] {
  const hours = new Map<string, HourRow>();
  for (const row of hourlyRollup(db, q)) hours.set(row.hour, { ...row });
  const lastDay = q.toHour.slice(0, 10);
  for (let day = q.fromHour.slice(0, 10); day <= lastDay; day = addDays(day, 1)) {
    for (const row of hourDelta(db, q.siteId, day)) {
      if (row.hour < q.fromHour || row.hour > q.toHour) continue;
      const into = hours.get(row.hour) ?? { hour: row.hour, views: 0, visitors: 0, events: 0 };
      into.views += row.views;
      into.visitors += row.visitors;
      into.events += row.events;
      hours.set(row.hour, into);
    }
  }
  return [...hours.values()].sort((a, b) => (a.hour < b.hour ? -1 : a.hour > b.hour ? 1 : 0));
}
