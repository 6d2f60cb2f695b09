// A funnel's statement (lib/query/funnels.ts) over the compiler's matched rows (compile.ts
// compileOverRows: the request's filter, bot setting and range): each entity (a visit, or a visitor
// within the range) that reached the first step, with the instant it reached each step and its
// breakdown value (the request's one dimension, at its first step's row).
// - `fr`: the kept views and events, keyed by entity.
// - strict order: step k is the entity's first row matching it after the instant of step k-1
//   (the earliest is the best choice for every later step), one correlated lookup per step;
//   any order: the first row matching each step, whatever the order.
import type { SqlParam } from "../database.ts";
import type { FunnelSpec, StepMatch } from "../../query/funnels.ts";
import { stepMatch } from "../../query/funnels.ts";
import { type AggregateRequest, type Compiled, compileOverRows, type RowsOnly } from "./compile.ts";
import type { Dialect } from "./dialect.ts";

/** A step's test over the row `r` of `fr`. */
function stepSql(d: Dialect, add: (v: SqlParam) => string, m: StepMatch): string {
  if (m.kind === "page") {
    return m.exact !== null
      ? `(r.kind = 'view' AND r.path = ${add(m.exact)})`
      : `(r.kind = 'view' AND ${d.matches("r.path", add(m.regex))})`;
  }
  const props = m.props.map(([key, value]) =>
    ` AND ${d.jsonProp("r.data", add(d.jsonPath(key)))} = ${add(value)}`
  ).join("");
  return `(r.kind = 'event' AND r.event_type = 'custom' AND r.event_name = ${add(m.name)}${props})`;
}

/**
 * The entities of the funnel: rows (`g`, `t0`…`t{n-1}`) of those that reached the first step;
 * `r.dimensions` is the breakdown ([] or one dimension, `g` then '').
 */
export function compileFunnel(d: Dialect, r: AggregateRequest, spec: FunnelSpec): Compiled {
  return compileOverRows(
    d,
    r,
    (add) => funnelBody(d, r, spec, add),
    (add) => stepRows(d, spec, add),
  );
}

/** The rows that can be a step: views of a step's page, custom events of a step's name. */
function stepRows(d: Dialect, spec: FunnelSpec, add: (v: SqlParam) => string): RowsOnly {
  const matches = spec.steps.map(stepMatch);
  const pages = matches.flatMap((m) =>
    m.kind !== "page"
      ? []
      : [m.exact !== null ? `w.path = ${add(m.exact)}` : d.matches("w.path", add(m.regex))]
  );
  const names = matches.flatMap((m) => m.kind === "event" ? [m.name] : []);
  return {
    view: pages.length ? `(${pages.join(" OR ")})` : "0",
    event: names.length
      ? `e.event_type = 'custom' AND ${d.inList("e.event_name", add(JSON.stringify(names)))}`
      : "0",
  };
}

function funnelBody(
  d: Dialect,
  r: AggregateRequest,
  spec: FunnelSpec,
  add: (v: SqlParam) => string,
): string {
  {
    const entity = spec.per === "visit" ? "sk" : "visitor_id";
    const group = r.dimensions.length ? "d0" : "''";
    const steps = spec.steps.map((s) => stepSql(d, add, stepMatch(s)));
    const n = steps.length;
    // The breakdown value of the entity's first row reaching step 1 (ISO times are 24 characters).
    const firstGroup = `substr(MIN(CASE WHEN ${steps[0]} THEN t || char(31) || g END), 26)`;
    const fr = `fr AS MATERIALIZED (
      SELECT site_id || char(31) || ${entity} AS k, created_at AS t, 'view' AS kind, path,
        NULL AS event_type, NULL AS event_name, NULL AS data, ${group} AS g
      FROM rv WHERE kept AND ${entity} IS NOT NULL
      UNION ALL
      SELECT site_id || char(31) || ${entity}, created_at, 'event', path, event_type, event_name,
        data, ${group}
      FROM re WHERE ${entity} IS NOT NULL
    )`;
    const times = Array.from({ length: n }, (_, i) => `t${i}`).join(", ");
    if (spec.order === "any") {
      const firsts = steps.map((s, i) => `MIN(CASE WHEN ${s} THEN t END) AS t${i}`).join(",\n");
      return `${fr}
        SELECT g0 AS g, ${times} FROM (
          SELECT ${firstGroup} AS g0, ${firsts} FROM fr r GROUP BY k
        ) WHERE t0 IS NOT NULL`;
    }
    const chain = steps.slice(1).map((s, i) =>
      `c${i + 1} AS (SELECT f.*, CASE WHEN f.t${i} IS NULL THEN NULL ELSE
        (SELECT MIN(r.t) FROM fr r WHERE r.k = f.k AND r.t > f.t${i} AND ${s}) END AS t${i + 1}
        FROM c${i} f)`
    );
    return `${fr},
      c0 AS (SELECT k, ${firstGroup} AS g, MIN(t) AS t0 FROM fr r WHERE ${steps[0]} GROUP BY k),
      ${chain.join(",\n")}
      SELECT g, ${times} FROM c${n - 1}`;
  }
}
