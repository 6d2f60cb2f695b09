// Filter parameters of the admin lists, parsed leniently: a value that does not fit is treated as
// "no filter" (the form shows it cleared), so a hand-edited URL renders a page instead of a 500.
import type { BotFilter } from "../db/admin_views.ts";

export const DEVICE_TYPES = ["desktop", "mobile", "tablet"] as const;
export const BOT_FILTERS: readonly BotFilter[] = ["all", "humans", "bots"];

/** A two-letter country code, upper-cased, or null. */
export function parseCountry(raw: string | null): string | null {
  const value = raw?.trim().toUpperCase() ?? "";
  return /^[A-Z]{2}$/.test(value) ? value : null;
}

export function parseDevice(raw: string | null): string | null {
  const value = raw?.trim().toLowerCase() ?? "";
  return (DEVICE_TYPES as readonly string[]).includes(value) ? value : null;
}

export function parseChoice<T extends string>(
  raw: string | null,
  choices: readonly T[],
  fallback: T,
): T {
  return choices.includes(raw as T) ? raw as T : fallback;
}

/** Free text, trimmed, control characters removed, at most `max` characters. */
export function parseText(raw: string | null, max = 200): string {
  // deno-lint-ignore no-control-regex
  return (raw ?? "").replace(/[\u0000-\u001F\u007F]/g, "").trim().slice(0, max);
}

/** An integer in [min, max]; anything else is `fallback`. */
export function parseIntIn(raw: string | null, min: number, max: number, fallback: number): number {
  const value = raw?.trim() ?? "";
  if (!/^\d{1,6}$/.test(value)) return fallback;
  return Math.min(max, Math.max(min, Number(value)));
}

/** An event type or name (any text the collectors kept, ≤ 128 characters), or null. */
export function parseEventKey(raw: string | null): string | null {
  const value = parseText(raw, 128);
  return value === "" ? null : value;
}
