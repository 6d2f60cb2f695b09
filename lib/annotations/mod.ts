// Annotations (issue 17, item 6): per site, a dated note drawn on every trend chart — a deploy, a
// campaign launch, an outage. The rules live here: a note's date is a day (YYYY-MM-DD) or an
// instant (ISO 8601 with its offset), its text 1-500 characters; an instant lands on the site's
// local day (and hour) in its time zone, a day stays that day in every zone.
import { formatDateTime } from "../admin/format.ts";
import { addLocalDays, localDate } from "../query/time_zone.ts";
import { HttpError } from "../http_error.ts";
import type { AnnotationRecord, AnnotationSource, AnnotationStore } from "../store/annotations.ts";
import type { SiteRecord, SiteStore } from "../store/sites.ts";

export type { AnnotationRecord, AnnotationSource } from "../store/annotations.ts";

export const MAX_ANNOTATION_TEXT = 500;
/** The most annotations one range lists (a chart's markers, an API answer). */
export const MAX_LISTED_ANNOTATIONS = 500;

/** How a note's date is written, for forms and messages. */
export const ANNOTATION_DATE_HINT =
  'A day (YYYY-MM-DD) or an instant with its offset (e.g. "2026-12-07T14:03:00Z")';

/** What a note's date is stored as: a day, or an instant and its UTC day. */
export interface AnnotationDate {
  day: string;
  at: string | null;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
// Hours 00-23, minutes and seconds 00-59, an offset (Z or ±HH:MM) required: an instant without
// one would mean a different moment on every server.
const INSTANT =
  /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/;

/** Whether YYYY-MM-DD names a day of the calendar (no 2026-02-30). */
function isCalendarDay(day: string): boolean {
  const ms = Date.parse(`${day}T00:00:00.000Z`);
  return Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 10) === day;
}

/** `raw` as a note's date, or null when it is neither a calendar day nor an ISO instant. */
export function parseAnnotationDate(raw: string): AnnotationDate | null {
  if (DAY.test(raw)) return isCalendarDay(raw) ? { day: raw, at: null } : null;
  const match = INSTANT.exec(raw);
  if (!match || !isCalendarDay(match[1])) return null;
  const ms = Date.parse(raw);
  if (!Number.isFinite(ms)) return null;
  const at = new Date(ms).toISOString();
  return { day: at.slice(0, 10), at };
}

/** The date as given: the instant (UTC) or the day. */
export function annotationDate(annotation: AnnotationRecord): string {
  return annotation.at ?? annotation.day;
}

/** The local day the note belongs to in `zone`. */
export function localDayOf(annotation: AnnotationRecord, zone: string): string {
  return annotation.at === null ? annotation.day : localDate(zone, Date.parse(annotation.at));
}

/** The local hour ("YYYY-MM-DD HH:00") a shown note belongs to in `zone`; a day's, its first. */
export function localHourOf(note: Pick<Annotation, "date">, zone: string): string {
  if (DAY.test(note.date)) return `${note.date} 00:00`;
  return `${formatDateTime(note.date, zone).slice(0, 13)}:00`;
}

/** A note as the API and the pages show it: its date as given and its local day. */
export interface Annotation {
  id: number;
  site_id: string;
  /** As given: YYYY-MM-DD, or the instant in UTC. */
  date: string;
  /** The site's local day of the note. */
  day: string;
  text: string;
  source: AnnotationRecord["source"];
  created_at: string;
}

export function shownAnnotation(record: AnnotationRecord, zone: string): Annotation {
  return {
    id: record.id,
    site_id: record.site_id,
    date: annotationDate(record),
    day: localDayOf(record, zone),
    text: record.text,
    source: record.source,
    created_at: record.created_at,
  };
}

/**
 * The sites' notes whose local day (in `zone`) lies in from..to. An instant's stored day is its
 * UTC day, within a day of its local one: the store is asked a day wider each side.
 */
export async function annotationsInRange(
  store: AnnotationStore,
  siteIds: readonly string[],
  range: { from: string; to: string },
  zone: string,
): Promise<Annotation[]> {
  if (siteIds.length === 0) return [];
  const wide = { from: addLocalDays(range.from, -1), to: addLocalDays(range.to, 1) };
  const records = await store.list(siteIds, wide, MAX_LISTED_ANNOTATIONS);
  return records.map((record) => shownAnnotation(record, zone))
    .filter((note) => note.day >= range.from && note.day <= range.to);
}

/** The site's record (for its time zone), or 404 not_found. */
export async function requireSite(sites: SiteStore, siteId: string): Promise<SiteRecord> {
  const site = await sites.get(siteId);
  if (!site) throw new HttpError(404, "not_found", `No site "${siteId}"`);
  return site;
}

/** Stores a checked note on an existing site (404 otherwise); the note as shown. */
export async function addAnnotation(
  store: { sites: SiteStore; annotations: AnnotationStore },
  note: { siteId: string; date: AnnotationDate; text: string; source: AnnotationSource },
): Promise<Annotation> {
  const site = await requireSite(store.sites, note.siteId);
  const record = await store.annotations.create({
    siteId: site.site_id,
    day: note.date.day,
    at: note.date.at,
    text: note.text,
    source: note.source,
  });
  return shownAnnotation(record, site.time_zone);
}
