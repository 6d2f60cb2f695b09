// Runs compiled queries on SQLite: the families the per-day aggregates hold (aggregated.ts), the one
// statement of compile.ts for the others, and the first stored view of a set of sites (the start
// of the "all" date range).
import type { Database } from "../database.ts";
import { type Aggregate, AGGREGATES, type Family } from "../../query/metrics.ts";
import {
  type AggregateRequest,
  type BatchMember,
  compileAggregates,
  compileBatch,
  type Compiled,
} from "./compile.ts";
import { ensureRegexp, SQLITE } from "./sqlite.ts";
import { aggregatedFamilies } from "./aggregated.ts";
import { compileFunnel } from "./funnels.ts";
import { compileCohorts } from "./cohorts.ts";
import type { CohortCounts } from "../../query/cohorts.ts";
import type { FunnelEntity, FunnelSpec } from "../../query/funnels.ts";

export type { AggregateRequest, BatchMember } from "./compile.ts";

/** One group of a family: the dimensions' values and the family's aggregates. */
export interface AggregateRow {
  dimensions: string[];
  values: Record<string, number>;
}

/** Each family's aggregates for the request, grouped by its dimensions. */
export function queryAggregates(
  db: Database,
  request: AggregateRequest,
  families: readonly Family[],
): Map<Family, AggregateRow[]> {
  ensureRegexp(db);
  const out = new Map<Family, AggregateRow[]>(families.map((f) => [f, []]));
  if (families.length === 0) return out;
  const stored = aggregatedFamilies(db, request, families);
  for (const [family, rows] of stored ?? []) out.set(family, rows);
  const rest = families.filter((f) => !stored?.has(f));
  if (rest.length === 0) return out;
  const { sql, params } = compileAggregates(SQLITE, request, rest);
  for (const row of db.all<Record<string, string | number | null>>(sql, ...params)) {
    const family = row.family as Family;
    out.get(family)!.push(groupOf(row, family, request.dimensions.length));
  }
  return out;
}

/** A compiled statement's row as a group of `family` with `width` dimensions. */
function groupOf(
  row: Record<string, string | number | null>,
  family: Family,
  width: number,
): AggregateRow {
  const dimensions: string[] = [];
  const values: Record<string, number> = {};
  for (const [name, value] of Object.entries(row)) {
    if (/^d\d+$/.test(name)) dimensions[Number(name.slice(1))] = String(value);
    else if (AGGREGATES[name as Aggregate] === family) values[name] = Number(value ?? 0);
  }
  return { dimensions: dimensions.slice(0, width), values };
}

/** A batch's plan (planBatch): each member's families the per-day aggregates answered, and the
 * one statement for the others (null when none is left), whose rows name `rest`'s indexes. */
export interface BatchPlan {
  outs: Map<Family, AggregateRow[]>[];
  rest: { member: number; batch: BatchMember }[];
  compiled: Compiled | null;
}

/** queryBatch's first step: the aggregates' answers and the statement of the rest. */
export function planBatch(
  db: Database,
  shared: AggregateRequest,
  members: readonly BatchMember[],
): BatchPlan {
  const outs = members.map((m) => new Map<Family, AggregateRow[]>(m.families.map((f) => [f, []])));
  const rest: BatchPlan["rest"] = [];
  members.forEach((m, i) => {
    if (m.families.length === 0) return;
    const request = { ...shared, dimensions: m.dimensions, filter: m.filter };
    const stored = aggregatedFamilies(db, request, m.families);
    for (const [family, rows] of stored ?? []) outs[i].set(family, rows);
    const families = m.families.filter((f) => !stored?.has(f));
    if (families.length) rest.push({ member: i, batch: { ...m, families } });
  });
  const compiled = rest.length ? compileBatch(SQLITE, shared, rest.map((r) => r.batch)) : null;
  return { outs, rest, compiled };
}

/**
 * queryAggregates for several requests sharing `shared`'s sites, range, zone and bot setting
 * (compile.ts compileBatch): each member's families the per-day aggregates hold from them, the
 * others from one statement that reads the rows once for all members. One map per member.
 */
export function queryBatch(
  db: Database,
  shared: AggregateRequest,
  members: readonly BatchMember[],
): Map<Family, AggregateRow[]>[] {
  ensureRegexp(db);
  const { outs, rest, compiled } = planBatch(db, shared, members);
  if (!compiled) return outs;
  for (
    const row of db.all<Record<string, string | number | null>>(compiled.sql, ...compiled.params)
  ) {
    const { member, batch } = rest[Number(row.member)];
    const family = row.family as Family;
    outs[member].get(family)!.push(groupOf(row, family, batch.dimensions.length));
  }
  return outs;
}

/** The entities of a funnel (funnels.ts): each one's breakdown value and step instants. */
export function queryFunnel(
  db: Database,
  request: AggregateRequest,
  spec: FunnelSpec,
): FunnelEntity[] {
  ensureRegexp(db);
  const { sql, params } = compileFunnel(SQLITE, request, spec);
  return db.all<Record<string, string | null>>(sql, ...params).map((row) => ({
    group: String(row.g ?? ""),
    times: spec.steps.map((_, i) => row[`t${i}`] ?? null),
  }));
}

/** The counts of a range's retention cohorts (cohorts.ts). */
export function queryCohorts(db: Database, request: AggregateRequest): CohortCounts {
  ensureRegexp(db);
  const { sql, params } = compileCohorts(SQLITE, request);
  const out: CohortCounts = { cells: [], multiDayVisitors: 0, visitorDays: 0, sameDayReturns: 0 };
  for (
    const row of db.all<{ kind: string; cohort: string; week: string; n: number }>(sql, ...params)
  ) {
    if (row.kind === "cell") {
      out.cells.push({ cohort: row.cohort, week: row.week, visitors: row.n });
    } else if (row.kind === "multi") out.multiDayVisitors = row.n;
    else if (row.kind === "days") out.visitorDays = row.n;
    else out.sameDayReturns = row.n;
  }
  return out;
}

/** The time of the first stored view of any of the sites, or null when they have none. */
export function firstViewAt(db: Database, siteIds: string[]): string | null {
  let first: string | null = null;
  for (const siteId of siteIds) {
    const row = db.get<{ at: string | null }>(
      "SELECT MIN(created_at) AS at FROM visitor_views WHERE site_id = ?",
      siteId,
    );
    if (row?.at && (first === null || row.at < first)) first = row.at;
  }
  return first;
}
