// The live part of a day: figures of the rows written since the day's rollup was built (its
// watermark), shaped so they add onto the stored rollup. Visitors count only when new to the
// figure that day; sessions the delta touches are reconciled with what the rollup knew (a new
// session, a bounce that got a second view, an exit page that moved).
import type { Database } from "../db/database.ts";
import { rollupState } from "../db/rollups.ts";
import type { DayTotals, DimensionRow } from "../db/stats.ts";
import {
  deltaDimensions,
  deltaHours,
  deltaSessions,
  deltaTotals,
  type HourDelta,
  materializeDelta,
  type SessionDelta,
  type Watermark,
} from "../db/stats_live.ts";
import { clearScratch, REQUEST_SCRATCH } from "../db/stats_source.ts";

export type Totals = Omit<DayTotals, "date">;

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

/** Adds `b` into `a` field by field. */
export function addTotals(a: Totals, b: Totals): Totals {
  for (const key of Object.keys(b) as (keyof Totals)[]) a[key] += b[key];
  return a;
}

export function emptyTotals(): Totals {
  return {
    views: 0,
    visitors: 0,
    sessions: 0,
    bounces: 0,
    session_views: 0,
    session_ms: 0,
    interaction_ms: 0,
    interaction_n: 0,
    events: 0,
    engaged_ms: 0,
    engaged_n: 0,
    scroll_pct: 0,
    scroll_n: 0,
    verified_visitors: 0,
    unverified_views: 0,
    unverified_visitors: 0,
    excluded_views: 0,
    excluded_visitors: 0,
  };
}
