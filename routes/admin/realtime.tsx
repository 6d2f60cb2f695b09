// /admin/realtime: the last 5 minutes and the last hour of one site, rendered on the server and
// refreshed every 10 s by the RealtimePanel island; "All sites" lists each site's active visitors.
// Public mode: aggregates only, no visitor id leaves the server. The dashboard's filters (`f`,
// `bots`, kept by its "Realtime →" link) narrow the figures and lists to the matching traffic
// (lib/admin/live_panel.ts), shown as chips; the last hour's visitors are not listed then.
import { AdminShell } from "../../components/AdminShell.tsx";
import { DataTable, EmptyRow, Td, Th } from "../../components/DataTable.tsx";
import { Card, LINK, Notice } from "../../components/ui.tsx";
import RealtimePanel from "../../islands/RealtimePanel.tsx";
import { MAX_SITE_SUMMARIES, pageSite } from "../../lib/admin/dashboard.ts";
import { formatNumber } from "../../lib/admin/format.ts";
import { type AdminFrame, loadAdminFrame } from "../../lib/admin/frame.ts";
import {
  liveAnswer,
  liveFilterLabels,
  livePollUrl,
  realtimeFor,
  wantsLiveJson,
} from "../../lib/admin/live_panel.ts";
import type { RealtimeSnapshot } from "../../lib/admin/live_poll.ts";
import { adminHref } from "../../lib/admin/period.ts";
import { siteFilters } from "../../lib/admin/site_filters.ts";
import { page, type PageProps } from "../../lib/fresh/mod.ts";
import { readerFor } from "../../lib/reads/caller.ts";
import type { Ctx, State } from "../../lib/state.ts";
import type { Realtime } from "../../lib/stats/mod.ts";

type Data =
  & { frame: AdminFrame }
  & (
    | {
      kind: "site";
      site: string;
      snapshot: RealtimeSnapshot;
      /** Under the dashboard's filters: what the island polls, the chips and dropped filters. */
      filtered: { url: string; labels: string[] } | null;
      errors: string[];
    }
    | { kind: "all"; sites: (Realtime & { name: string | null })[]; truncated: boolean }
  );

export const handler = {
  async GET(ctx: Ctx) {
    // The realtime panel's island polling this page under its filters.
    if (wantsLiveJson(ctx.req)) return await liveAnswer(ctx, "realtime");
    const reads = readerFor(ctx);
    const frame = loadAdminFrame(ctx);
    const site = pageSite(frame.selection, frame.sites);
    if (site !== null) {
      const { filters } = await siteFilters(
        ctx.state.services.store.segments,
        frame,
        site,
        ctx.url.searchParams,
      );
      const snapshot = await realtimeFor(reads, site, filters, frame.readOnly);
      const url = livePollUrl(frame.selection, site, filters, "realtime");
      return page<Data>({
        frame,
        kind: "site",
        site,
        snapshot,
        filtered: url === null ? null : { url, labels: liveFilterLabels(filters) },
        errors: filters.errors,
      });
    }
    const chosen = frame.sites.options.slice(0, MAX_SITE_SUMMARIES);
    const sites = (await Promise.all(
      chosen.map(async (s) => ({ ...await reads.run("realtime", s.site_id), name: s.name })),
    ))
      .sort((a, b) => b.active_visitors - a.active_visitors || b.pageviews - a.pageviews);
    return page<Data>({
      frame,
      kind: "all",
      sites,
      truncated: frame.sites.total > chosen.length,
    });
  },
};

export default function RealtimePage({ data }: PageProps<Data, State>) {
  const { frame } = data;
  return (
    <AdminShell
      title="Realtime"
      frame={frame}
      subtitle={data.kind === "site"
        ? `${data.site} · the last 5 minutes, refreshed every 10 s`
        : "All sites · the last 5 minutes"}
    >
      {data.kind === "site" && data.errors.length > 0 && (
        <Notice tone="error">
          <ul id="filter-errors" class="list-inside list-disc space-y-1">
            {data.errors.map((error) => <li key={error}>{error}</li>)}
          </ul>
        </Notice>
      )}
      {data.kind === "site"
        ? (
          <RealtimePanel
            siteId={data.site}
            initial={data.snapshot}
            filtered={data.filtered ?? undefined}
          />
        )
        : <AllSites frame={frame} sites={data.sites} truncated={data.truncated} />}
    </AdminShell>
  );
}

function AllSites(
  props: { frame: AdminFrame; sites: (Realtime & { name: string | null })[]; truncated: boolean },
) {
  return (
    <Card title="Active now" subtitle="Pick a site for its live chart, pages and sources.">
      <DataTable
        id="realtime-sites"
        caption="Active visitors per site"
        head={
          <>
            <Th>Site</Th>
            <Th numeric>Active visitors</Th>
            <Th numeric>Page views (5 min)</Th>
            <Th>Top page</Th>
          </>
        }
      >
        {props.sites.length === 0 && <EmptyRow columns={4}>No sites yet.</EmptyRow>}
        {props.sites.map((s) => (
          <tr data-site={s.site_id}>
            <Td>
              <a
                class={LINK}
                href={adminHref("/admin/realtime", { ...props.frame.selection, site: s.site_id })}
              >
                {s.name ? `${s.name} (${s.site_id})` : s.site_id}
              </a>
            </Td>
            <Td numeric>{formatNumber(s.active_visitors)}</Td>
            <Td numeric>{formatNumber(s.pageviews)}</Td>
            <Td mono>{s.active_paths[0]?.path ?? "—"}</Td>
          </tr>
        ))}
      </DataTable>
      {props.truncated && (
        <p class="mt-2 text-xs text-slate-500">
          {props.sites.length} of {formatNumber(props.frame.sites.total)}{" "}
          sites are listed (those you added first, then by id); pick a site above or{" "}
          <a class={LINK} href="/admin/sites">find one</a> for the others.
        </p>
      )}
    </Card>
  );
}
