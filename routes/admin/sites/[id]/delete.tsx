// /admin/sites/:id/delete: the confirmation step (a page, not a JavaScript confirm) and the
// deletion itself (POST with `confirm` = the site id). Optionally purges everything stored for
// the site; otherwise its data stays and its next hit registers it again (unless only registered
// sites are accepted). Not available in public mode.
import { AdminShell } from "../../../../components/AdminShell.tsx";
import {
  BUTTON_DANGER,
  BUTTON_SECONDARY,
  Card,
  ErrorList,
  Notice,
} from "../../../../components/ui.tsx";
import { formatNumber } from "../../../../lib/admin/format.ts";
import {
  assertWritable,
  isReadOnly,
  readForm,
  redirectWithNotice,
} from "../../../../lib/admin/forms.ts";
import { type AdminFrame, loadAdminFrame } from "../../../../lib/admin/frame.ts";
import { parseSite } from "../../../../lib/admin/period.ts";
import { removeSite } from "../../../../lib/admin/sites.ts";
import { getSite, siteDataCounts, type SiteRecord } from "../../../../lib/db/sites.ts";
import { page, type PageProps } from "../../../../lib/fresh/mod.ts";
import type { Ctx, State } from "../../../../lib/state.ts";

interface Data {
  frame: AdminFrame;
  site: SiteRecord | null;
  counts: { views: number; events: number };
  errors: string[];
  registeredOnly: boolean;
}

function render(ctx: Ctx, errors: string[] = [], status?: number) {
  const { config, db } = ctx.state.services;
  const id = parseSite(ctx.params.id);
  const site = id === null || isReadOnly(ctx) ? null : getSite(db, id);
  return page<Data>({
    frame: loadAdminFrame(ctx),
    site,
    counts: site ? siteDataCounts(db, site.site_id) : { views: 0, events: 0 },
    errors,
    registeredOnly: config.registeredSitesOnly,
  }, { status: status ?? (site ? 200 : 404) });
}

export const handler = {
  GET(ctx: Ctx) {
    return render(ctx);
  },

  async POST(ctx: Ctx) {
    assertWritable(ctx);
    const form = await readForm(ctx);
    const id = parseSite(ctx.params.id);
    const site = id === null ? null : getSite(ctx.state.services.db, id);
    if (!site) return render(ctx);
    if (form.get("confirm") !== site.site_id) {
      return render(ctx, ["Confirm the deletion with the button on this page."], 400);
    }
    removeSite(ctx.state.services, site.site_id, form.get("purge_data") === "on");
    return redirectWithNotice("/admin/sites", "site_deleted");
  },
};

export default function DeleteSitePage({ data }: PageProps<Data, State>) {
  const { frame, site } = data;
  if (!site) {
    return (
      <AdminShell title="Delete site" frame={frame} selection={false}>
        <Notice tone="warning">
          {frame.readOnly
            ? "Sites cannot be changed on a public read-only instance."
            : "There is no such site."}
        </Notice>
        <p>
          <a href="/admin/sites" class="text-indigo-600 hover:underline dark:text-indigo-400">
            All sites
          </a>
        </p>
      </AdminShell>
    );
  }
  const back = `/admin/sites/${encodeURIComponent(site.site_id)}`;
  return (
    <AdminShell title={`Delete ${site.site_id}?`} frame={frame} selection={false}>
      <ErrorList errors={data.errors} />
      <Card>
        <form method="post" action={`${back}/delete`} id="delete-site" class="space-y-4">
          <input type="hidden" name="confirm" value={site.site_id} />
          <p class="text-sm">
            The site <strong class="font-mono">{site.site_id}</strong>
            {site.name ? ` (${site.name})` : ""} and its settings will be removed.{" "}
            {data.registeredOnly
              ? "Its hits will be dropped from now on (only registered sites are accepted)."
              : "If its snippet is still on a page, its next hit registers it again."}
          </p>
          <label class="flex items-start gap-2 text-sm">
            <input type="checkbox" name="purge_data" class="mt-0.5" />
            <span>
              Also delete its stored data: {formatNumber(data.counts.views)} page views,{" "}
              {formatNumber(data.counts.events)}{" "}
              events, and its known-bot and drop counts. This cannot be undone.
            </span>
          </label>
          <div class="flex gap-2">
            <button type="submit" class={BUTTON_DANGER}>Delete site</button>
            <a href={back} class={BUTTON_SECONDARY}>Cancel</a>
          </div>
        </form>
      </Card>
    </AdminShell>
  );
}
