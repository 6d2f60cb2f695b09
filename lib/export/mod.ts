// CSV exports (GET /api/export/{overview,views,events,bots}.csv): the parameters they share with
// the stats API (`site_id`, `days` or `from`/`to`), the response (an attachment named after the
// site, kind and period, never cached). What a public instance may download is decided by
// lib/public/policy.ts (aggregates: overview and bots, without visitor ids).
import { z } from "zod";
import { preview, siteIdParam } from "../api/fields.ts";
import { readQuery } from "../api/validate.ts";
import type { BotFilter } from "../bots/thresholds.ts";
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

const BOT_CHOICES = ["all", "humans", "bots"] as const satisfies readonly BotFilter[];

/** An optional `site_id` (absent or empty: every site). */
export const ANY_SITE_QUERY = z.object({ site_id: siteIdParam().optional() });

/** `bots=all|humans|bots` (default all: a raw export is the stored rows, scores included). */
export const BOTS_QUERY = z.object({
  bots: z.enum(BOT_CHOICES, {
    error: (i) => `bots: ${preview(i.input)} must be all, humans or bots`,
  }).optional().describe("Which rows: all (default), humans or bots"),
});

/** An optional exact-match text filter, at most 128 characters. */
function textFilter(name: string, what: string) {
  return z.string().max(128, { error: `${name}: longer than 128 characters` }).optional()
    .describe(what);
}

/** The events export's filters: exact event type and custom event name. */
export const EVENT_FILTER_QUERY = z.object({
  type: textFilter("type", "Exact event type"),
  name: textFilter("name", "Exact custom event name"),
});

export function exportParams(
  url: URL,
  now: number,
  options: { siteRequired: boolean },
): ExportParams {
  const siteId = options.siteRequired
    ? requiredSiteId(url)
    : readQuery({ query: ANY_SITE_QUERY }, url).site_id ?? null;
  const range = parseRange(url, now);
  const until = new Date(Date.parse(`${range.to}T00:00:00.000Z`) + 86_400_000).toISOString();
  return { siteId, ...range, since: `${range.from}T00:00:00.000Z`, until };
}

/** The rows a raw export carries: all (default), humans or bots. */
export function botsParam(url: URL): BotFilter {
  return readQuery({ query: BOTS_QUERY }, url).bots ?? "all";
}

/** The events export's type and name filters (null when absent). */
export function eventFilters(url: URL): { eventType: string | null; eventName: string | null } {
  const { type = null, name = null } = readQuery({ query: EVENT_FILTER_QUERY }, url);
  return { eventType: type, eventName: name };
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
