// CSV exports (GET /api/export/{overview,views,events,bots}.csv): the parameters they share with
// the stats API (`site_id`, `days` or `from`/`to`), the response (an attachment named after the
// site, kind and period, never cached). What a public instance may download is decided by
// lib/public/policy.ts (aggregates: overview and bots, without visitor ids).
import { SITE_ID_PATTERN } from "../config.ts";
import type { BotFilter } from "../db/admin_views.ts";
import { HttpError } from "../http_error.ts";
import { publicSections } from "../public/mod.ts";
import type { Ctx } from "../state.ts";
import { type DayRange, parseRange, requiredSiteId } from "../stats/mod.ts";
import { type CsvSection, csvSection } from "./csv.ts";

export type ExportKind = "overview" | "views" | "events" | "bots";

export interface ExportParams extends DayRange {
  /** Null: every site (views, events and bots only; the overview needs one site). */
  siteId: string | null;
  /** [since, until) instants of the inclusive UTC days. */
  since: string;
  until: string;
}

const BOT_CHOICES: readonly BotFilter[] = ["all", "humans", "bots"];

function preview(value: string): string {
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
}

/** An optional `site_id` (absent or empty: every site). */
function optionalSite(url: URL): string | null {
  const raw = url.searchParams.get("site_id")?.trim() ?? "";
  if (raw === "") return null;
  if (!SITE_ID_PATTERN.test(raw)) {
    throw new HttpError(400, "invalid_site_id", `site_id: ${preview(raw)} is not a site id`);
  }
  return raw.toLowerCase();
}

export function exportParams(
  url: URL,
  now: number,
  options: { siteRequired: boolean },
): ExportParams {
  const siteId = options.siteRequired ? requiredSiteId(url) : optionalSite(url);
  const range = parseRange(url, now);
  const until = new Date(Date.parse(`${range.to}T00:00:00.000Z`) + 86_400_000).toISOString();
  return { siteId, ...range, since: `${range.from}T00:00:00.000Z`, until };
}

/** `bots=all|humans|bots` (default all: a raw export is the stored rows, scores included). */
export function botsParam(url: URL): BotFilter {
  const raw = url.searchParams.get("bots")?.trim() ?? "";
  if (raw === "") return "all";
  const choice = BOT_CHOICES.find((c) => c === raw);
  if (!choice) {
    throw new HttpError(400, "invalid_param", `bots: ${preview(raw)} must be all, humans or bots`);
  }
  return choice;
}

/** An optional exact-match text filter (event type or name), at most 128 characters. */
export function textParam(url: URL, name: string): string | null {
  const raw = url.searchParams.get(name)?.trim() ?? "";
  if (raw === "") return null;
  if (raw.length > 128) {
    throw new HttpError(400, "invalid_param", `${name}: longer than 128 characters`);
  }
  return raw;
}

export function exportFilename(kind: ExportKind, params: ExportParams): string {
  return `echelon-${params.siteId ?? "all-sites"}-${kind}-${params.from}_${params.to}.csv`;
}

/** The route of an export. */
export function exportPath(kind: ExportKind): string {
  return `/api/export/${kind}.csv`;
}

/**
 * The download link of an export for an admin selection (`days`, or `from`/`to` for a custom
 * range), plus page filters the export understands (empty values are left out).
 */
export function exportHref(
  kind: ExportKind,
  selection: { site: string | null; period: { days: number | null; from: string; to: string } },
  extra: Record<string, string | null | undefined> = {},
): string {
  const params = new URLSearchParams();
  if (selection.site) params.set("site_id", selection.site);
  if (selection.period.days !== null) {
    params.set("days", String(selection.period.days));
  } else {
    params.set("from", selection.period.from);
    params.set("to", selection.period.to);
  }
  for (const [name, value] of Object.entries(extra)) {
    if (value) params.set(name, value);
  }
  return `${exportPath(kind)}?${params}`;
}

export function csvResponse(body: string | ReadableStream<Uint8Array>, filename: string): Response {
  return new Response(body, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${filename}"`,
      "cache-control": "no-store",
    },
  });
}

/** A multi-section export: the sections this request may download (lib/public), as one file. */
export function sectionsResponse(ctx: Ctx, sections: CsvSection[], filename: string): Response {
  return csvResponse(publicSections(ctx, sections).map(csvSection).join(""), filename);
}
