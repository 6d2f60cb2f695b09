// Every read heavy enough to matter, by name, so it can run on a read thread (lib/reads/pool.ts)
// or inline with the same code and the same answer. Each takes a ReadContext first and
// structured-cloneable arguments, and returns a structured-cloneable result.
import { campaignEventsReport, campaignReport, campaignSummaries } from "../campaigns/report.ts";
import { listVisitors, visitorAggregates } from "../db/admin_visitors.ts";
import { experimentResults } from "../experiments/results.ts";
import { liveDashboard, type LiveOptions, realtimeStats } from "../stats/live.ts";
import { type StatsContext, statsOverview } from "../stats/overview.ts";
import type { OverviewQuery } from "../stats/params.ts";

/** What a read needs: a connection, the caller's clock and the retention period. */
export type ReadContext = StatsContext;

type Tail<T extends unknown[]> = T extends [unknown, ...infer Rest] ? Rest : never;
type OnDb<F extends (...args: never[]) => unknown> = (
  ctx: ReadContext,
  ...args: Tail<Parameters<F>>
) => ReturnType<F>;

const onDb =
  <F extends (db: ReadContext["db"], ...args: never[]) => unknown>(fn: F): OnDb<F> =>
  (ctx, ...args) => fn(ctx.db, ...(args as never[])) as ReturnType<F>;

export const READS = {
  overview: (ctx: ReadContext, q: OverviewQuery) => statsOverview(ctx, q),
  liveDashboard: (ctx: ReadContext, siteId: string, options: LiveOptions = {}) =>
    liveDashboard(ctx, siteId, options),
  realtime: (ctx: ReadContext, siteId: string) => realtimeStats(ctx, siteId),
  visitors: onDb(listVisitors),
  visitorAggregates: onDb(visitorAggregates),
  experimentResults: onDb(experimentResults),
  campaignSummaries: onDb(campaignSummaries),
  campaignReport: onDb(campaignReport),
  campaignEventsReport: onDb(campaignEventsReport),
};

export type Reads = typeof READS;
export type ReadName = keyof Reads;
export type ReadArgs<N extends ReadName> = Reads[N] extends
  (ctx: ReadContext, ...args: infer A) => unknown ? A : never;
export type ReadResult<N extends ReadName> = ReturnType<Reads[N]>;

export function isReadName(name: unknown): name is ReadName {
  return typeof name === "string" && Object.hasOwn(READS, name);
}

/** Runs the read `name` in `ctx`. */
export function runRead<N extends ReadName>(
  ctx: ReadContext,
  name: N,
  args: ReadArgs<N>,
): ReadResult<N> {
  const read = READS[name] as (ctx: ReadContext, ...args: unknown[]) => ReadResult<N>;
  return read(ctx, ...args);
}
