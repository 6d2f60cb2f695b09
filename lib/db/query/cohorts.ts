// Retention cohorts' counts (lib/query/cohorts.ts) over the compiler's matched rows (compile.ts
// compileOverRows: the request's filter, bot setting and range): the kept views by visitor, week
// (the request's zone, Mondays) and UTC day (ids rotate at UTC midnight in cookieless mode). Rows
// tagged `kind`: `cell` (visitors by first week and week seen), `multi` (visitors seen on two or
// more days), `days` (visitor-days) and `same` (visitor-days with two or more visits).
import { type AggregateRequest, type Compiled, compileOverRows } from "./compile.ts";
import type { Dialect } from "./dialect.ts";

export function compileCohorts(d: Dialect, r: AggregateRequest): Compiled {
  const week = d.timeBucket("created_at", "week", r.spans);
  return compileOverRows(
    d,
    r,
    () =>
      `vw AS MATERIALIZED (
        SELECT site_id || char(31) || visitor_id AS k, ${week} AS w,
          ${d.utcDay("created_at")} AS day, sk
        FROM rv WHERE kept AND visitor_id IS NOT NULL
      ),
      seen AS (SELECT DISTINCT k, w FROM vw),
      fw AS (SELECT k, MIN(w) AS c FROM seen GROUP BY k),
      vd AS (SELECT k, day, COUNT(DISTINCT sk) AS visits FROM vw GROUP BY k, day)
      SELECT 'cell' AS kind, f.c AS cohort, s.w AS week, COUNT(*) AS n
        FROM fw f CROSS JOIN seen s ON s.k = f.k GROUP BY f.c, s.w
      UNION ALL
      SELECT 'multi', NULL, NULL, COUNT(*) FROM (SELECT k FROM vd GROUP BY k HAVING COUNT(*) > 1)
      UNION ALL
      SELECT 'days', NULL, NULL, COUNT(*) FROM vd
      UNION ALL
      SELECT 'same', NULL, NULL, COUNT(*) FROM vd WHERE visits > 1`,
    // Views only: events are not visits.
    () => ({ event: "0" }),
  );
}
