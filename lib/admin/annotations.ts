// The admin's view of annotations (lib/annotations/mod.ts): each note placed on the point of a
// trend chart it belongs to — its local day, or on an hourly chart its local hour — for the
// markers and the list under the chart (components/Annotations.tsx).
import { type Annotation, localHourOf } from "../annotations/mod.ts";
import type { TrendUnit } from "./trend.ts";

/** A note as a chart draws it. */
export interface ChartAnnotation {
  id: number;
  /** The chart point it sits on: a local day, or an hour "YYYY-MM-DD HH:00". */
  point: string;
  /** As given (a day, or an instant in UTC). */
  date: string;
  text: string;
  /** The note's site, on a chart of several sites (null on one site's). */
  site: string | null;
}

/**
 * The notes placed on a chart by `unit` in `zone` (the zone their local days were taken in),
 * naming their site when the chart sums several.
 */
export function chartAnnotations(
  notes: readonly Annotation[],
  unit: TrendUnit,
  zone: string,
  options: { namedSites?: boolean } = {},
): ChartAnnotation[] {
  return notes.map((note) => ({
    id: note.id,
    point: unit === "hour" ? localHourOf(note, zone) : note.day,
    date: note.date,
    text: note.text,
    site: options.namedSites ? note.site_id : null,
  }));
}

/** A note's line in a tooltip: its date, its site on a chart of several, its text. */
export function annotationLine(note: ChartAnnotation): string {
  return `${note.date}${note.site === null ? "" : ` (${note.site})`}: ${note.text}`;
}
