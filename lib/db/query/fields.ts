// The SQL of a row field (lib/query/dimensions.ts) over a view or an event row and its session: what
// the compiler (compile.ts) groups and filters by, and what the per-day aggregates
// (lib/db/aggregates.ts) store per view.
import {
  type RowField,
  SCORE_BUCKETS,
  SCREEN_CLASSES,
  WIDEST_SCREEN_CLASS,
} from "../../query/dimensions.ts";

/** A session's source over the columns of its entry view (or of a sessions row, which copies
 * them) aliased `row` ("" for bare columns): the referrer's domain, none for an internal one. */
export function sourceSql(row: string): string {
  const c = row ? `${row}.` : "";
  return `CASE WHEN ${c}referrer_type IS 'internal' THEN NULL ELSE ${c}referrer_domain END`;
}

/** A row field over a view row (`w`, or `view`) or an event row (`e`), both with their session `s`
 * (or `session`: a view row carrying its session's columns). */
export function fieldColumn(
  field: RowField,
  row: "view" | "event",
  view = "w",
  session = "s",
): string {
  const own = row === "view" ? view : session;
  switch (field) {
    case "page":
      return row === "view" ? `${view}.path` : "e.path";
    case "name":
      return row === "view"
        ? "'pageview'"
        : "CASE WHEN e.event_type = 'custom' THEN e.event_name ELSE e.event_type END";
    case "entry_page":
      return `${session}.entry_page`;
    case "exit_page":
      return `${session}.exit_page`;
    case "source":
      return `${session}.source`;
    case "country":
      return `${own}.country_code`;
    case "device":
      return `${own}.device_type`;
    case "os":
      return `${own}.os_name`;
    case "browser":
      return `${own}.browser_name`;
    case "screen": {
      const width = `${own}.screen_width`;
      const classes = SCREEN_CLASSES.map((c) => `WHEN ${width} < ${c.below} THEN '${c.name}'`);
      return `CASE WHEN ${width} > 0 THEN CASE ${
        classes.join(" ")
      } ELSE '${WIDEST_SCREEN_CLASS}' END END`;
    }
    // A row's own bot verdicts (not its session's): a view's, or an event's.
    case "score_bucket": {
      const score = row === "view" ? `${view}.bot_score` : "e.bot_score";
      const bands = [...SCORE_BUCKETS].reverse().map((b) =>
        `WHEN ${score} >= ${b.from} THEN '${b.name}'`
      );
      return `CASE ${bands.join(" ")} END`;
    }
    case "bot_reason":
      return row === "view" ? `${view}.bot_reason` : "e.bot_reason";
    case "pow_verdict":
      return row === "view" ? `${view}.pow_verdict` : "NULL";
    default:
      return `${own}.${field}`;
  }
}
