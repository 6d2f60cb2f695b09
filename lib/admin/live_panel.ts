// The live panels on the server (the dashboard's and the realtime page's): their first snapshot
// and the URL their islands poll. Unfiltered, the live dashboard and realtime reads (GET
// /api/stats/dashboard, /api/stats/realtime); under the dashboard's filters or bot setting, the
// engine's count of the matching rows (GET /admin/live, lib/stats/live_filtered.ts), so a panel
// never shows all the traffic beside a filtered dashboard.
import type { Reader } from "../reads/mod.ts";
import { overviewView } from "./dashboard.ts";
import { BOT_MODE_LABELS, BOTS_PARAM, type DashboardFilters, isFiltered } from "./filters.ts";
import {
  filteredRealtimeSnapshot,
  filteredSnapshot,
  type LiveSnapshot,
  liveSnapshot,
  type RealtimeSnapshot,
  realtimeSnapshot,
} from "./live_poll.ts";
import { adminHref, type AdminSelection } from "./period.ts";

export const LIVE_PATH = "/admin/live";
/** GET /admin/live's parameter asking for the realtime page's snapshot. */
export const PANEL_PARAM = "panel";
export type LivePanelKind = "dashboard" | "realtime";

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
 * Where the panel's island polls: GET /admin/live with the filters that applied (those dropped
 * with a notice are left out) when filtered; null: the live dashboard API.
 */
export function livePollUrl(
  selection: AdminSelection,
  site: string,
  filters: DashboardFilters,
  panel: LivePanelKind = "dashboard",
): string | null {
  if (!isFiltered(filters)) return null;
  return adminHref(LIVE_PATH, { ...selection, site, filters: filters.items.map((i) => i.raw) }, {
    [BOTS_PARAM]: filters.bots === "hide" ? null : filters.bots,
    [PANEL_PARAM]: panel === "dashboard" ? null : panel,
  });
}
