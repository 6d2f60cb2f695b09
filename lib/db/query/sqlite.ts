// The SQLite dialect of the query compiler. Time zones: SQLite knows none, so a local time is the
// UTC timestamp shifted by the zone's offset, chosen per row from the offset spans of the range
// (lib/query/time_zone.ts). Patterns: REGEXP calls `regexp`, defined on each connection as a JS
// RegExp over the bounded patterns lib/query/model.ts accepts.
import type { Database } from "../database.ts";
import type { TimeUnit } from "../../query/dimensions.ts";
import type { OffsetSpan } from "../../query/time_zone.ts";
import type { Dialect } from "./dialect.ts";

const modifier = (minutes: number) => `'${minutes >= 0 ? "+" : ""}${minutes} minutes'`;

function localModifier(column: string, spans: readonly OffsetSpan[]): string {
  if (spans.length === 1) return modifier(spans[0].offsetMin);
  const cases = spans.slice(1).map((span, i) =>
    `WHEN ${column} < '${new Date(span.startMs).toISOString()}' THEN ${
      modifier(spans[i].offsetMin)
    }`
  );
  return `CASE ${cases.join(" ")} ELSE ${modifier(spans[spans.length - 1].offsetMin)} END`;
}

const FORMATS: Record<TimeUnit, (c: string, m: string) => string> = {
  minute: (c, m) => `strftime('%Y-%m-%d %H:%M:00', ${c}, ${m})`,
  hour: (c, m) => `strftime('%Y-%m-%d %H:00:00', ${c}, ${m})`,
  day: (c, m) => `strftime('%Y-%m-%d', ${c}, ${m})`,
  // Back six days, then forward to the next Monday (or stay on it): the week's Monday.
  week: (c, m) => `date(${c}, ${m}, '-6 days', 'weekday 1')`,
  month: (c, m) => `strftime('%Y-%m-01', ${c}, ${m})`,
};

export const SQLITE: Dialect = {
  name: "sqlite",
  // A UTC day is the stored ISO time's first ten characters (as utcDay): no date function per row.
  timeBucket: (column, unit, spans) =>
    unit === "day" && spans.every((s) => s.offsetMin === 0)
      ? SQLITE.utcDay(column)
      : FORMATS[unit](column, localModifier(column, spans)),
  utcDay: (column) => `substr(${column}, 1, 10)`,
  matches: (expr, param) => `${expr} REGEXP ${param}`,
  contains: (expr, param) => `instr(${expr}, ${param}) > 0`,
  inList: (expr, param) => `${expr} IN (SELECT value FROM json_each(${param}))`,
  jsonProp: (column, param) =>
    `CASE WHEN json_valid(${column}) AND json_type(${column}) = 'object'
      THEN CAST(json_extract(${column}, ${param}) AS TEXT) END`,
  jsonPath: (key) => `$."${key}"`,
  // ISO times are 24 characters, so time || zero-padded id sorts by both, and the id follows.
  firstId: (time, id) => `CAST(substr(MIN(${time} || printf('%015d', ${id})), 25) AS INTEGER)`,
  lastId: (time, id) => `CAST(substr(MAX(${time} || printf('%015d', ${id})), 25) AS INTEGER)`,
  durationMs: (first, last) =>
    `CAST(round((julianday(${last}) - julianday(${first})) * 86400000) AS INTEGER)`,
};

const withRegexp = new WeakSet<Database>();
const MAX_PATTERNS = 256;

/** Defines `regexp(pattern, value)` on the connection once (SQLite's REGEXP operator). */
export function ensureRegexp(db: Database): void {
  if (withRegexp.has(db)) return;
  const compiled = new Map<string, RegExp>();
  db.defineFunction("regexp", (pattern, value) => {
    if (typeof pattern !== "string" || value === null || value === undefined) return 0;
    let re = compiled.get(pattern);
    if (!re) {
      if (compiled.size >= MAX_PATTERNS) compiled.clear();
      re = new RegExp(pattern);
      compiled.set(pattern, re);
    }
    return re.test(String(value)) ? 1 : 0;
  });
  withRegexp.add(db);
}
