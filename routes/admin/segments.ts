// POST /admin/segments (the dashboard's "Save as segment" form): saves the dashboard's current
// filters (`f`, lib/admin/filters.ts) under a name for the site, through the checks of POST
// /api/segments (its schema, lib/query/segments.ts), then returns to the dashboard with a notice.
// Read-only instances refuse it (403).
import { filtersJson, parseDashboardFilters } from "../../lib/admin/filters.ts";
import { readSiteForm, redirectWithNotice } from "../../lib/admin/forms.ts";
import { checkBody } from "../../lib/api/validate.ts";
import { createSegment } from "../../lib/api/operations/segments.ts";
import { HttpError } from "../../lib/http_error.ts";
import { FILTER_PARAM, MAX_URL_FILTERS } from "../../lib/admin/period.ts";
import { checkSegmentFilters } from "../../lib/query/segments.ts";
import type { Ctx } from "../../lib/state.ts";

export const handler = {
  async POST(ctx: Ctx) {
    const { store } = ctx.state.services;
    const { form, back, site } = await readSiteForm(ctx);
    if (site === null) return redirectWithNotice(back, "segment_invalid");
    const raws = form.getAll(FILTER_PARAM).slice(0, MAX_URL_FILTERS);
    const saved = new Map((await store.segments.list(site)).map((s) => [s.id, s]));
    const parsed = parseDashboardFilters(raws, null, site, (id) => saved.get(id) ?? null);
    const body = checkBody(createSegment, {
      site_id: site,
      name: form.get("name") ?? "",
      filters: filtersJson(parsed.items),
    });
    if (!body.ok || parsed.errors.length > 0) return redirectWithNotice(back, "segment_invalid");
    try {
      checkSegmentFilters(body.value.filters);
    } catch (error) {
      if (error instanceof HttpError) return redirectWithNotice(back, "segment_invalid");
      throw error;
    }
    const segment = await store.segments.create({
      siteId: site,
      name: body.value.name,
      filters: body.value.filters,
    });
    return redirectWithNotice(back, segment ? "segment_saved" : "segment_exists");
  },
};
