// Local days in an IANA time zone: the UTC offset at an instant, where a zone's offset changes in
// a range (the compiler turns those spans into SQL), and local calendar dates to UTC instants.
// Stored data stays UTC; only day boundaries and time buckets move with the zone.

import { formatDateTime, isValidTimezone } from "../admin/format.ts";

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/** Whether `zone` is an IANA time zone this runtime knows. */
export const isTimeZone = isValidTimezone;

/** The zone's offset from UTC at `ms`, in minutes (east positive). */
export function offsetMinutes(zone: string, ms: number): number {
  if (zone === "UTC") return 0;
  const local = Date.parse(`${formatDateTime(ms, zone).replace(" ", "T")}Z`);
  return Math.round((local - Math.floor(ms / 1000) * 1000) / MINUTE_MS);
}

/** A stretch of time with one offset: from `startMs` (inclusive) to the next span's start. */
export interface OffsetSpan {
  startMs: number;
  offsetMin: number;
}

/** The offsets of `zone` over [fromMs, toMs), one span per change (minute precision). */
export function offsetSpans(zone: string, fromMs: number, toMs: number): OffsetSpan[] {
  const spans: OffsetSpan[] = [{ startMs: fromMs, offsetMin: offsetMinutes(zone, fromMs) }];
  if (zone === "UTC") return spans;
  for (let at = fromMs; at < toMs; at += DAY_MS) {
    const next = Math.min(at + DAY_MS, toMs);
    const current = spans[spans.length - 1].offsetMin;
    const after = offsetMinutes(zone, next);
    if (after === current) continue;
    // The change lies in (at, next]: find its first minute.
    let lo = at, hi = next;
    while (hi - lo > MINUTE_MS) {
      const mid = lo + Math.floor((hi - lo) / 2 / MINUTE_MS) * MINUTE_MS;
      if (offsetMinutes(zone, mid) === current) lo = mid;
      else hi = mid;
    }
    spans.push({ startMs: hi, offsetMin: after });
  }
  return spans;
}

/** The UTC instant at which the local calendar day `date` (YYYY-MM-DD) starts in `zone`. */
export function localDayStart(zone: string, date: string): number {
  const naive = Date.parse(`${date}T00:00:00.000Z`);
  const guess = naive - offsetMinutes(zone, naive) * MINUTE_MS;
  return naive - offsetMinutes(zone, guess) * MINUTE_MS;
}

/** The local calendar date (YYYY-MM-DD) of the instant `ms` in `zone`. */
export function localDate(zone: string, ms: number): string {
  return new Date(ms + offsetMinutes(zone, ms) * MINUTE_MS).toISOString().slice(0, 10);
}

/** `date` plus `days` calendar days. */
export function addLocalDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00.000Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** `date` plus `months` calendar months, on the first of that month. */
export function addMonths(date: string, months: number): string {
  const d = new Date(`${date.slice(0, 7)}-01T00:00:00.000Z`);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d.toISOString().slice(0, 10);
}
