// The live panels on the server (the dashboard's and the realtime page's): their first snapshot,
// the URL their islands poll and its JSON answer. Unfiltered, the live dashboard and realtime reads
// (GET /api/stats/dashboard, /api/stats/realtime); under the dashboard's filters or bot setting,
// the engine's count of the matching rows (lib/stats/live_filtered.ts), so a panel never shows all
// the traffic beside a filtered dashboard. A filtered panel polls its own page's URL asking for
// JSON (`accept: application/json`): the page parses the filters the one way, and a browser
// opening that URL gets the page.
import { jsonError } from "../http_error.ts";
import { readerFor } from "../reads/caller.ts";
import type { Reader } from "../reads/mod.ts";
import type { Ctx } from "../state.ts";
import { overviewView, pageSite } from "./dashboard.ts";
import { BOT_MODE_LABELS, BOTS_PARAM, type DashboardFilters, isFiltered } from "./filters.ts";
import {
  filteredRealtimeSnapshot,
  filteredSnapshot,
  type LiveSnapshot,
  liveSnapshot,
  type RealtimeSnapshot,
  realtimeSnapshot,
} from "./live_poll.ts";
import { loadAdminFrame } from "./frame.ts";
import { adminHref, type AdminSelection } from "./period.ts";
import { siteFilters } from "./site_filters.ts";

export type LivePanelKind = "dashboard" | "realtime";
const PANEL_PATHS: Record<LivePanelKind, string> = {
  dashboard: "/admin",
  realtime: "/admin/realtime",
};

/** The live panel's snapshot of `site` under `filters`. */
export async function liveFor(
  reads: Reader,
  site: string,
  filters: DashboardFilters,
  readOnly: boolean,
): Promise<LiveSnapshot> {
  if (!isFiltered(filters)) {
    return liveSnapshot(await reads.run("liveDashboard", site, { redact: readOnly }));
  }
  return filteredSnapshot(await reads.run("filteredLive", site, overviewView(filters)));
}

/** The realtime page's snapshot of `site` under `filters` (no visitors listed when filtered). */
export async function realtimeFor(
  reads: Reader,
  site: string,
  filters: DashboardFilters,
  readOnly: boolean,
): Promise<RealtimeSnapshot> {
  if (isFiltered(filters)) {
    return filteredRealtimeSnapshot(
      await reads.run("filteredRealtime", site, overviewView(filters)),
    );
  }
  const [dashboard, realtime] = await Promise.all([
    reads.run("liveDashboard", site, { redact: readOnly }),
    reads.run("realtime", site),
  ]);
  return realtimeSnapshot(dashboard, realtime, { withVisitors: !readOnly });
}

/** The panel's chips: the filters that applied, then the bot setting unless bots are hidden. */
export function liveFilterLabels(filters: DashboardFilters): string[] {
  const labels = filters.items.map((i) => i.label);
  return filters.bots === "hide" ? labels : [...labels, BOT_MODE_LABELS[filters.bots]];
}

/**
 * Where a filtered panel's island polls: its page with the filters that applied (those dropped
 * with a notice are left out); null when unfiltered (the stats API).
 */
export function livePollUrl(
  selection: AdminSelection,
  site: string,
  filters: DashboardFilters,
  panel: LivePanelKind,
): string | null {
  if (!isFiltered(filters)) return null;
  const raws = filters.items.map((i) => i.raw);
  return adminHref(PANEL_PATHS[panel], { ...selection, site, filters: raws }, {
    [BOTS_PARAM]: filters.bots === "hide" ? null : filters.bots,
  });
}

/** Whether a request to a panel's page asks for the panel's JSON (its island polling). */
export function wantsLiveJson(req: Request): boolean {
  return (req.headers.get("accept") ?? "").includes("application/json");
}

/**
 * The panel's snapshot of the page's site under the page's filters, as JSON, with the chips'
 * labels (`filters`) and why a filter was left out (`errors`); 400 when no site is chosen.
 */
export async function liveAnswer(ctx: Ctx, panel: LivePanelKind): Promise<Response> {
  const frame = loadAdminFrame(ctx);
  const site = pageSite(frame.selection, frame.sites);
  const vary = { vary: "accept" };
  if (site === null) return jsonError(400, "invalid_site", "site: pick a site (site=<id>)", vary);
  const { filters } = await siteFilters(
    ctx.state.services.store.segments,
    frame,
    site,
    ctx.url.searchParams,
  );
  const read = panel === "realtime" ? realtimeFor : liveFor;
  const live = await read(readerFor(ctx), site, filters, frame.readOnly);
  return Response.json(
    { ...live, filters: liveFilterLabels(filters), errors: filters.errors },
    { headers: { ...vary, "cache-control": "private, no-store" } },
  );
}
