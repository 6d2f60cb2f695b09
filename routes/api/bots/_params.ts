// Query and path parameters of the bot API, validated once: a bad value is a 400 naming the field
// and the value, never a 500 (docs/architecture.md, "Public contract"). Not a route: `_` files are
// skipped.
import { SITE_ID_PATTERN } from "../../../lib/config.ts";
import { HttpError } from "../../../lib/http_error.ts";

export const MAX_VISITOR_ID_LENGTH = 128;
export const MAX_LABEL_LENGTH = 256;

const INTEGER = /^-?\d{1,15}$/;

function preview(value: string): string {
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
}

/** An optional site id (lower-cased, as the collectors store it); null when absent or empty. */
export function optionalSiteId(url: URL, name = "site_id"): string | null {
  const raw = url.searchParams.get(name);
  if (raw === null || raw.trim() === "") return null;
  const value = raw.trim();
  if (!SITE_ID_PATTERN.test(value)) {
    throw new HttpError(400, "invalid_site_id", `${name}: ${preview(value)} is not a site id`);
  }
  return value.toLowerCase();
}

/** An integer parameter clamped to [min, max]; absent → fallback, not an integer → 400. */
export function clampedInt(
  url: URL,
  name: string,
  range: { fallback: number; min: number; max: number },
): number {
  const raw = url.searchParams.get(name);
  if (raw === null || raw.trim() === "") return range.fallback;
  if (!INTEGER.test(raw.trim())) {
    throw new HttpError(400, "invalid_param", `${name}: ${preview(raw)} is not an integer`);
  }
  return Math.min(range.max, Math.max(range.min, Number(raw.trim())));
}

/** A positive row id (view_id, event_id), or null when the parameter is absent. */
export function optionalRowId(url: URL, name: string): number | null {
  const raw = url.searchParams.get(name);
  if (raw === null) return null;
  if (!/^\d{1,15}$/.test(raw) || Number(raw) < 1) {
    throw new HttpError(400, "invalid_param", `${name}: ${preview(raw)} is not a row id`);
  }
  return Number(raw);
}

/** A visitor id: a non-empty string of at most 128 characters. */
export function visitorId(
  value: unknown,
  code = "invalid_visitor_id",
  name = "visitor_id",
): string {
  if (typeof value !== "string" || value === "" || value.length > MAX_VISITOR_ID_LENGTH) {
    const shown = typeof value === "string" ? preview(value) : `a ${typeof value}`;
    throw new HttpError(
      400,
      code,
      `${name}: ${shown} must be 1-${MAX_VISITOR_ID_LENGTH} characters`,
    );
  }
  return value;
}
