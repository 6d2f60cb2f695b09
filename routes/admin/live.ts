// GET /admin/live?site=…&f=…&bots=…: the dashboard's live panel under the dashboard's filters, as
// JSON (lib/admin/live_poll.ts LiveSnapshot), polled by its island (islands/LivePanel.tsx);
// `panel=realtime`: the realtime page's (RealtimeSnapshot, islands/RealtimePanel.tsx). The same
// filters as the dashboard (lib/admin/filters.ts); those that do not parse are named in `errors`
// and left out, as the dashboard leaves them out with a notice. A browser opening the URL (not
// asking for JSON) is sent to the page the panel belongs to, with the same filters.
import { pageSite } from "../../lib/admin/dashboard.ts";
import { seeOther } from "../../lib/admin/forms.ts";
import { loadAdminFrame } from "../../lib/admin/frame.ts";
import { liveFilterLabels, liveFor, PANEL_PARAM, realtimeFor } from "../../lib/admin/live_panel.ts";
import { siteFilters } from "../../lib/admin/site_filters.ts";
import { jsonError } from "../../lib/http_error.ts";
import { readerFor } from "../../lib/reads/caller.ts";
import type { Ctx } from "../../lib/state.ts";

export const handler = {
  async GET(ctx: Ctx) {
    if (!(ctx.req.headers.get("accept") ?? "").includes("application/json")) {
      const params = new URLSearchParams(ctx.url.search);
      const page = params.get(PANEL_PARAM) === "realtime" ? "/admin/realtime" : "/admin";
      params.delete(PANEL_PARAM);
      const query = params.toString();
      return seeOther(query ? `${page}?${query}` : page);
    }
    const frame = loadAdminFrame(ctx);
    const site = pageSite(frame.selection, frame.sites);
    if (site === null) return jsonError(400, "invalid_site", "site: pick a site (site=<id>)");
    const { filters } = await siteFilters(
      ctx.state.services.store.segments,
      frame,
      site,
      ctx.url.searchParams,
    );
    const panel = ctx.url.searchParams.get(PANEL_PARAM) ?? "dashboard";
    if (panel !== "dashboard" && panel !== "realtime") {
      return jsonError(400, "invalid_panel", `${PANEL_PARAM}: expected dashboard or realtime`);
    }
    const read = panel === "realtime" ? realtimeFor : liveFor;
    const live = await read(readerFor(ctx), site, filters, frame.readOnly);
    return Response.json(
      { ...live, filters: liveFilterLabels(filters), errors: filters.errors },
      { headers: { "cache-control": "private, no-store" } },
    );
  },
};
