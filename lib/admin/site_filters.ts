// The dashboard's filters of one site as its pages read them (the dashboard and its live panel's
// JSON, lib/admin/live_panel.ts): the URL's `f` and `bots` (lib/admin/filters.ts) with the site's saved
// segments to look `segment:is:<id>` up in (none on a read-only instance: they are the admin's).
import type { SegmentRecord } from "../store/segments.ts";
import type { SegmentStore } from "../store/segments.ts";
import { BOTS_PARAM, type DashboardFilters, parseDashboardFilters } from "./filters.ts";
import type { AdminFrame } from "./frame.ts";

export async function siteFilters(
  segmentStore: SegmentStore,
  frame: AdminFrame,
  site: string,
  params: URLSearchParams,
): Promise<{ filters: DashboardFilters; segments: SegmentRecord[] }> {
  const segments = frame.readOnly ? [] : await segmentStore.list(site);
  const filters = parseDashboardFilters(
    frame.selection.filters ?? [],
    params.get(BOTS_PARAM),
    site,
    (id) => segments.find((s) => s.id === id) ?? null,
  );
  return { filters, segments };
}
