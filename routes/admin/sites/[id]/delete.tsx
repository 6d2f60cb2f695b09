// /admin/sites/:id/delete: the confirmation step (a page, not a JavaScript confirm) and the
// deletion itself (POST with `confirm` = the site id). Optionally purges everything stored for
// the site; otherwise its data stays and its next hit registers it again (unless only registered
// sites are accepted). Not available in public mode.
import { ConfirmDelete, NothingToDelete } from "../../../../components/ConfirmDelete.tsx";
import { formatNumber } from "../../../../lib/admin/format.ts";
import {
  assertConfirmed,
  formPage,
  isReadOnly,
  redirectWithNotice,
} from "../../../../lib/admin/forms.ts";
import { type AdminFrame, loadAdminFrame } from "../../../../lib/admin/frame.ts";
import { removeSite, siteOfRoute } from "../../../../lib/admin/sites.ts";
import { page, type PageProps } from "../../../../lib/fresh/mod.ts";
import type { Ctx, State } from "../../../../lib/state.ts";
import type { SiteRecord } from "../../../../lib/store/sites.ts";

interface Data {
  frame: AdminFrame;
  site: SiteRecord | null;
  counts: { views: number; events: number };
  errors: string[];
  registeredOnly: boolean;
}

async function render(ctx: Ctx, errors: string[] = [], status?: number) {
  const { config, store } = ctx.state.services;
  const site = isReadOnly(ctx) ? null : await siteOfRoute(ctx);
  return page<Data>({
    frame: loadAdminFrame(ctx),
    site,
    counts: site ? await store.sites.dataCounts(site.site_id) : { views: 0, events: 0 },
    errors,
    registeredOnly: config.registeredSitesOnly,
  }, { status: status ?? (site ? 200 : 404) });
}

export const handler = formPage(render, async (ctx, form) => {
  const site = await siteOfRoute(ctx);
  if (!site) return render(ctx);
  assertConfirmed(form, site.site_id);
  await removeSite(ctx.state.services, site.site_id, form.get("purge_data") === "on");
  return redirectWithNotice("/admin/sites", "site_deleted");
});

export default function DeleteSitePage({ data }: PageProps<Data, State>) {
  const { frame, site } = data;
  if (!site) {
    return <NothingToDelete frame={frame} noun="site" plural="sites" list="/admin/sites" />;
  }
  return (
    <ConfirmDelete
      frame={frame}
      noun="site"
      title={`Delete ${site.site_id}?`}
      confirm={site.site_id}
      back={`/admin/sites/${encodeURIComponent(site.site_id)}`}
      formId="delete-site"
      errors={data.errors}
    >
      <p class="text-sm">
        The site <strong class="font-mono">{site.site_id}</strong>
        {site.name ? ` (${site.name})` : ""} and its settings will be removed. {data.registeredOnly
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
    </ConfirmDelete>
  );
}
