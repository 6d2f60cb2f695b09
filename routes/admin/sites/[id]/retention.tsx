// /admin/sites/:id/retention: weekly retention cohorts of the site's visitors over the selected
// period, under the dashboard's filters and bot setting (lib/query/cohorts.ts): each cohort (the
// week of a visitor's first view) and the share of it seen again in each later week. Where visitor
// ids rotate daily (cookieless mode) that is not measurable, and the page says why and shows what
// is: visitors who came back the same day. Read-only; public mode shows it too.
import { AdminShell } from "../../../../components/AdminShell.tsx";
import { FiltersNotice } from "../../../../components/SitePageParts.tsx";
import { DataTable, Td, Th } from "../../../../components/DataTable.tsx";
import { BUTTON_SECONDARY, Card, Notice } from "../../../../components/ui.tsx";
import { overviewView } from "../../../../lib/admin/dashboard.ts";
import { type DashboardFilters, dashboardHref } from "../../../../lib/admin/filters.ts";
import { formatNumber } from "../../../../lib/admin/format.ts";
import { type AdminFrame, loadAdminFrame } from "../../../../lib/admin/frame.ts";
import { funnelsQuery } from "../../../../lib/admin/funnels_page.ts";
import { siteOfRoute } from "../../../../lib/admin/sites.ts";
import { siteFilters } from "../../../../lib/admin/site_filters.ts";
import { page, type PageProps } from "../../../../lib/fresh/mod.ts";
import type { CohortResult } from "../../../../lib/query/cohorts.ts";
import { readerFor } from "../../../../lib/reads/caller.ts";
import { isRefusedRead } from "../../../../lib/reads/refusals.ts";
import type { Ctx, State } from "../../../../lib/state.ts";

interface Data {
  frame: AdminFrame;
  site: string | null;
  filters: DashboardFilters | null;
  result: CohortResult | { unavailable: string } | null;
}

export const handler = {
  async GET(ctx: Ctx) {
    const { store } = ctx.state.services;
    const frame = loadAdminFrame(ctx);
    const site = (await siteOfRoute(ctx))?.site_id ?? null;
    if (!site) {
      return page<Data>({ frame, site: null, filters: null, result: null }, { status: 404 });
    }
    const { filters } = await siteFilters(store.segments, frame, site, ctx.url.searchParams);
    // The same rows as the site's funnels: its views of the period under the dashboard's view.
    const query = funnelsQuery(site, frame.selection.period, frame.now, overviewView(filters));
    let result: Data["result"];
    try {
      result = await readerFor(ctx).run("cohorts", query);
    } catch (error) {
      if (!isRefusedRead(error)) throw error;
      result = { unavailable: error.message };
    }
    return page<Data>({ frame, site, filters, result });
  },
};

export default function RetentionPage({ data }: PageProps<Data, State>) {
  const { frame, site, result } = data;
  if (!site || !result) {
    return (
      <AdminShell title="Retention" frame={frame} selection={false}>
        <Notice tone="warning">There is no such site.</Notice>
      </AdminShell>
    );
  }
  const filters = data.filters!;
  const selection = { ...frame.selection, site };
  return (
    <AdminShell
      title="Retention"
      frame={frame}
      subtitle={`Site ${site}: who comes back, by the week of their first visit`}
      actions={
        <a
          class={BUTTON_SECONDARY}
          href={dashboardHref(selection, filters.items.map((i) => i.raw), filters.bots)}
        >
          Dashboard
        </a>
      }
    >
      <FiltersNotice id="retention-filters" filters={filters} />
      {"unavailable" in result
        ? <Notice>Not available right now: {result.unavailable}</Notice>
        : <Cohorts result={result} />}
    </AdminShell>
  );
}

function Cohorts(props: { result: CohortResult }) {
  const { result } = props;
  const width = Math.max(0, ...result.cohorts.map((c) => c.weeks.length));
  return (
    <>
      {!result.measurable && (
        <Notice>
          <span id="retention-not-measurable">
            Not measurable across days here: without cookies, a visitor's id changes every day (a
            keyed hash of the address, browser and date, so no one can be followed), so a visitor of
            Monday and of Tuesday are two visitors and every later week is empty. Retention needs
            lasting ids: cookie mode (ECHELON_COOKIE_CONSENT, after the visitor's consent) or
            visitors identified through the batch API. Shown instead: visitors who came back the
            same day.
          </span>
        </Notice>
      )}
      <Card
        title="Came back the same day"
        subtitle="Visitor-days with two visits or more (measurable with daily ids too)."
      >
        <p class="text-2xl font-semibold tabular-nums" id="same-day">
          {`${result.same_day.rate}%`}
        </p>
        <p class="text-sm text-slate-500">
          {formatNumber(result.same_day.returned)} of {formatNumber(result.same_day.visitor_days)}
          {" "}
          visitor-days
        </p>
      </Card>
      <Card
        title="Weekly cohorts"
        subtitle="Each row: the visitors whose first view in the period was that week, and the share of them seen again in each later week."
      >
        <DataTable
          id="cohorts-table"
          caption="Weekly retention cohorts"
          head={
            <>
              <Th>Cohort (week of)</Th>
              <Th numeric>Visitors</Th>
              {Array.from(
                { length: width },
                (_, i) => <Th key={i} numeric>{i === 0 ? "Week 0" : `+${i}`}</Th>,
              )}
            </>
          }
        >
          {result.cohorts.map((c) => (
            <tr data-cohort={c.cohort}>
              <Td>{c.cohort}</Td>
              <Td numeric>{formatNumber(c.visitors)}</Td>
              {c.rates.map((rate, i) => (
                <Td numeric title={`${c.weeks[i]} visitors`}>{`${rate}%`}</Td>
              ))}
            </tr>
          ))}
        </DataTable>
      </Card>
    </>
  );
}
