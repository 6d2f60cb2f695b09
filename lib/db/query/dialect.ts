// The engine-specific parts of a compiled query (lib/db/query/compile.ts): local time buckets,
// pattern matching, JSON properties and durations. SQLite is the first dialect; ClickHouse and
// PostgreSQL (issue 18) implement the same interface.
import type { TimeUnit } from "../../query/dimensions.ts";
import type { OffsetSpan } from "../../query/time_zone.ts";

export interface Dialect {
  name: string;
  /** The local time bucket of an ISO UTC timestamp column: `YYYY-MM-DD HH:MM:00` for minutes,
   * `YYYY-MM-DD HH:00:00` for hours,
   * `YYYY-MM-DD` for days, weeks (their Monday) and months (their first day). */
  timeBucket(column: string, unit: TimeUnit, spans: readonly OffsetSpan[]): string;
  /** The UTC day of a timestamp column (visitor ids rotate daily, at UTC midnight). */
  utcDay(column: string): string;
  /** Whether `expr` matches the bounded pattern bound at `param`. */
  matches(expr: string, param: string): string;
  /** Whether `expr` contains the text bound at `param` (literally, case-sensitive). */
  contains(expr: string, param: string): string;
  /** Whether `expr` is one of the JSON array of strings bound at `param`. */
  inList(expr: string, param: string): string;
  /** The property at the JSON path bound at `param` of a JSON-object text column, as text. */
  jsonProp(column: string, param: string): string;
  /** The JSON path of a property key. */
  jsonPath(key: string): string;
  /** In a GROUP BY: the id of the group's first (or last) row by time, then id. */
  firstId(time: string, id: string): string;
  lastId(time: string, id: string): string;
  /** Milliseconds between two timestamp expressions. */
  durationMs(first: string, last: string): string;
}
