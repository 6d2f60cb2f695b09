// The stats domain: overview, live dashboard, realtime, rollup and retention jobs. Routes and
// admin pages call these; they ask the store's areas (lib/store/), the overview still lib/db/
// (no SQL here). Dates are UTC days.
export {
  type CityRow,
  defaultOverviewQuery,
  type Headline,
  headline,
  type Overview,
  type OverviewLists,
  rawCoverageFrom,
  type RegionRow,
  type StatsContext,
  statsOverview,
  type TrendPoint,
} from "./overview.ts";
export {
  type HourBucket,
  type LiveDashboard,
  liveDashboard,
  type MinuteBucket,
  type Realtime,
  realtimeStats,
} from "./live.ts";
export {
  type DayRange,
  type OverviewQuery,
  parseFilters,
  parseOverviewQuery,
  parseOverviewView,
  parseRange,
  previousRange,
  rangeDays,
  requiredSiteId,
  utcDay,
} from "./params.ts";
export { engineAnswers, readOverview } from "./overview_read.ts";
export { engineOverview, type OverviewView } from "./engine_overview.ts";
export { rebuildDay, rebuildDays, refreshBlocks, refreshRollups, rollupJob } from "./rollup.ts";
export { SettledRangeCache } from "./settled_cache.ts";
export { retentionJob, runRetention } from "./retention.ts";
export type { VitalSummary, WebVitals } from "./vitals.ts";
export type { StatsFilters } from "./terms.ts";
