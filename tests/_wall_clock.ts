// A wall-clock time in an IANA zone by Intl, for tests that count local days and hours
// independently of lib/query/time_zone.ts.

const formats = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock time in `zone` of the instant `ms`: `YYYY-MM-DDTHH:MM:SS`. */
export function wallClock(ms: number, zone: string): string {
  let format = formats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formats.set(zone, format);
  }
  const p = Object.fromEntries(format.formatToParts(ms).map((part) => [part.type, part.value]));
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}`;
}
