// Formatting for admin pages: stored instants (UTC ISO strings) shown in the display time zone,
// numbers with grouping, durations and ages. Formatters are built once per zone.

const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();
const MAX_CACHED_ZONES = 64;

/** True for an IANA zone name this runtime knows ("Europe/Helsinki", "UTC"). */
export function isValidTimezone(name: string): boolean {
  if (name === "" || name.length > 64) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let format = dateTimeFormats.get(timeZone);
  if (!format) {
    if (dateTimeFormats.size >= MAX_CACHED_ZONES) dateTimeFormats.clear();
    format = new Intl.DateTimeFormat("en-CA", {
      timeZone: isValidTimezone(timeZone) ? timeZone : "UTC",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
    });
    dateTimeFormats.set(timeZone, format);
  }
  return format;
}

function parts(iso: string | number, timeZone: string): Record<string, string> | null {
  const ms = typeof iso === "number" ? iso : Date.parse(iso);
  if (!Number.isFinite(ms)) return null;
  const out: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(ms)) out[part.type] = part.value;
  return out;
}

/** `2026-11-20 14:05:09` in `timeZone`; the raw text when it is not a date. */
export function formatDateTime(iso: string | number | null, timeZone: string): string {
  if (iso === null) return "—";
  const p = parts(iso, timeZone);
  return p ? `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}` : String(iso);
}

/** `2026-11-20` in `timeZone`. */
export function formatDate(iso: string | number | null, timeZone: string): string {
  if (iso === null) return "—";
  const p = parts(iso, timeZone);
  return p ? `${p.year}-${p.month}-${p.day}` : String(iso);
}

const numberFormat = new Intl.NumberFormat("en-US");

export function formatNumber(value: number | null | undefined): string {
  return value === null || value === undefined ? "—" : numberFormat.format(value);
}

/** 850 ms, 4.2 s, 3 min 5 s, 2 h 10 min. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.floor(seconds % 60)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** "just now", "5 min ago", "3 h ago", "2 days ago". */
export function formatAge(iso: string | null, now: number): string {
  if (iso === null) return "—";
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return iso;
  const seconds = Math.max(0, Math.round((now - ms) / 1000));
  if (seconds < 60) return "just now";
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`;
  const days = Math.floor(seconds / 86_400);
  return days === 1 ? "1 day ago" : `${days} days ago`;
}
