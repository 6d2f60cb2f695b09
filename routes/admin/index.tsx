// /admin: the dashboard of the selected site and period — live panel (island), headline cards
// with changes against the previous period, trend, top lists and web vitals from lib/stats; "All
// sites" compares the sites. Instance figures for private instances only. Filters (`f`, `bots`;
// lib/admin/filters.ts) narrow a site's whole dashboard, its live panel included: the top lists
// are drawn from their declaration (lib/admin/dashboard_lists.ts, the dimension registry's lists
// among them), each row of a dimension's list a link adding its filter, and a filtered dashboard
// is computed by the query engine (lib/admin/dashboard.ts).
import { AdminShell } from "../../components/AdminShell.tsx";
import { AnnotationList } from "../../components/Annotations.tsx";
import { DashboardCards } from "../../components/DashboardCards.tsx";
import { DataTable, EmptyRow, Td, Th } from "../../components/DataTable.tsx";
import { ExportLink } from "../../components/ExportLink.tsx";
import { FilterBar } from "../../components/FilterBar.tsx";
import { GoalsCard } from "../../components/GoalsCard.tsx";
import { KpiGrid } from "../../components/Kpi.tsx";
import { Snippet } from "../../components/Snippet.tsx";
import { TrendChart } from "../../components/TrendChart.tsx";
import { BUTTON_SECONDARY, Card, LINK, Notice, StatCard } from "../../components/ui.tsx";
import { WebVitalsCard } from "../../components/WebVitals.tsx";
import LivePanel from "../../islands/LivePanel.tsx";
import {
  type CountryMapModel,
  countryMapQuery,
  type CountryMapUnavailable,
  loadCountryMap,
} from "../../lib/admin/country_map.ts";
import {
  type AllSites,
  allSitesKpis,
  allSitesSummary,
  dashboardKpis,
  dashboardOverview,
  type Kpi,
  NARROWED_PARTS,
  type NarrowedPart,
  overviewView,
  pageSite,
  previousLabel,
  unnarrowedParts,
} from "../../lib/admin/dashboard.ts";
import { type ChartAnnotation, chartAnnotations } from "../../lib/admin/annotations.ts";
import { DASHBOARD_CARDS } from "../../lib/admin/dashboard_lists.ts";
import { type GoalsCardModel, goalsCardQuery, loadGoalsCard } from "../../lib/admin/goals_card.ts";
import { GOAL_DIMENSION } from "../../lib/query/goals.ts";
import {
  builderFilter,
  type DashboardFilters,
  dashboardHref,
  exportFilterParams,
  urlFilter,
  withFilter,
} from "../../lib/admin/filters.ts";
import { formatDuration, formatNumber } from "../../lib/admin/format.ts";
import { seeOther } from "../../lib/admin/forms.ts";
import { type AdminFrame, loadAdminFrame } from "../../lib/admin/frame.ts";
import {
  liveAnswer,
  liveFilterLabels,
  liveFor,
  livePollUrl,
  wantsLiveJson,
} from "../../lib/admin/live_panel.ts";
import type { LiveSnapshot } from "../../lib/admin/live_poll.ts";
import { siteFilters } from "../../lib/admin/site_filters.ts";
import { journeysHref } from "../../lib/admin/journeys.ts";
import { adminHref } from "../../lib/admin/period.ts";
import {
  dailyTrend,
  hourlyTrendUnlessRefused,
  type Trend,
  trendUnit,
} from "../../lib/admin/trend.ts";
import { embedSnippet } from "../../lib/admin/sites.ts";
import { annotationsInRange } from "../../lib/annotations/mod.ts";
import type { SegmentRecord } from "../../lib/store/segments.ts";
import { OTHER_VALUE } from "../../lib/stats/terms.ts";
import { page, type PageProps } from "../../lib/fresh/mod.ts";
import { publicOrigin } from "../../lib/public_origin.ts";
import { readerFor } from "../../lib/reads/caller.ts";
import type { Ctx, State } from "../../lib/state.ts";
import type { Overview } from "../../lib/stats/mod.ts";

/** The instance's own figures: private instances only (public mode redacts internals). */
interface Instance {
  version: string;
  uptimeSeconds: number;
  schemaVersion: number;
  dbPath: string;
}

type Body =
  | {
    kind: "site";
    site: string;
    overview: Overview;
    /** Visitors of every country, for the map. */
    countryMap: CountryMapModel | CountryMapUnavailable;
    kpis: Kpi[];
    /** By local day, or by hour for short periods (lib/admin/trend.ts). */
    trend: Trend;
    live: LiveSnapshot;
    /** The site is in ECHELON_ANONYMIZE_SITES: its labels are daily pseudonyms. */
    anonymized: boolean;
    filters: DashboardFilters;
    /** The site's saved segments (none on a read-only instance: they are the admin's labels). */
    segments: SegmentRecord[];
    /** Its goals' conversions (lib/admin/goals_card.ts). */
    goals: GoalsCardModel;
    /** The site's notes of the period, placed on the trend's days or hours. */
    annotations: ChartAnnotation[];
  }
  | {
    kind: "all";
    all: AllSites;
    kpis: Kpi[];
    trend: Trend;
    /** The summarised sites' notes, each naming its site. */
    annotations: ChartAnnotation[];
  }
  | { kind: "none" };

type Data = Body & { frame: AdminFrame; instance: Instance | null; origin: string };

export const handler = {
  async GET(ctx: Ctx) {
    // The live panel's island polling this page under its filters.
    if (wantsLiveJson(ctx.req)) return await liveAnswer(ctx, "dashboard");
    const services = ctx.state.services;
    const { config, startedAt } = services;
    const reads = readerFor(ctx);
    const frame = loadAdminFrame(ctx);
    const { period } = frame.selection;
    const site = pageSite(frame.selection, frame.sites);
    const instance = frame.readOnly ? null : {
      version: config.version,
      uptimeSeconds: Math.round((frame.now - startedAt) / 1000),
      schemaVersion: await services.store.instance.schemaVersion(),
      dbPath: config.dbPath,
    };
    const common = { frame, instance, origin: publicOrigin(ctx, config) };
    const hourly = trendUnit(period) === "hour";
    if (site !== null) {
      const { filters, segments } = await siteFilters(
        services.store.segments,
        frame,
        site,
        ctx.url.searchParams,
      );
      // The builder's GET form adds its filter, then the URL says it the one way (`f`).
      const added = builderFilter(ctx.url.searchParams);
      if (added && "raw" in added) {
        const raws = withFilter(filters.items.map((i) => i.raw), added.raw);
        return seeOther(dashboardHref({ ...frame.selection, site }, raws, filters.bots));
      }
      if (added) filters.errors.push(added.error);
      const goalList = await services.store.goals.list(site);
      const [overview, live, hours, countryMap, notes, goals] = await Promise.all([
        dashboardOverview(reads, site, period, filters),
        liveFor(reads, site, filters, frame.readOnly),
        hourly ? hourlyTrendUnlessRefused(reads, [site], period, overviewView(filters)) : null,
        loadCountryMap(reads, countryMapQuery(site, period, frame.now, overviewView(filters))),
        annotationsInRange(services.store.annotations, [site], period, period.timeZone),
        loadGoalsCard(
          reads,
          goalList,
          goalsCardQuery(site, period, frame.now, overviewView(filters)),
        ),
      ]);
      const trend = hours ?? dailyTrend(overview, period.timeZone);
      const annotations = chartAnnotations(notes, trend.unit, trend.timeZone);
      const kpis = dashboardKpis(overview, period);
      const anonymized = config.anonymizeSites.includes(site);
      return page<Data>({
        ...common,
        kind: "site",
        site,
        overview,
        countryMap,
        kpis,
        trend,
        live,
        anonymized,
        filters,
        segments,
        goals,
        annotations,
      });
    }
    if (frame.sites.total === 0) return page<Data>({ ...common, kind: "none" });
    const all = await allSitesSummary(reads, frame.sites, period);
    const hours = hourly
      ? await hourlyTrendUnlessRefused(reads, all.sites.map((s) => s.site_id), period)
      : null;
    const trend: Trend = hours ?? { unit: "day", timeZone: period.timeZone, points: all.trend };
    const notes = await annotationsInRange(
      services.store.annotations,
      all.sites.map((s) => s.site_id),
      period,
      period.timeZone,
    );
    return page<Data>({
      ...common,
      kind: "all",
      all,
      kpis: allSitesKpis(all, period),
      trend,
      annotations: chartAnnotations(notes, trend.unit, trend.timeZone, { namedSites: true }),
    });
  },
};

export default function Dashboard({ data }: PageProps<Data, State>) {
  const { frame } = data;
  const period = frame.selection.period;
  const range = period.from === period.to ? period.from : `${period.from} – ${period.to}`;
  const zone = period.timeZone;
  const when = period.preset === null && period.days === null
    ? `${range} (${zone})`
    : `${period.label} (${range}, ${zone})`;
  const site = data.kind === "site" ? data.site : null;
  return (
    <AdminShell
      title="Dashboard"
      frame={frame}
      subtitle={`${site ?? "All sites"} · ${when}`}
      actions={site !== null && (
        <>
          {data.kind === "site" && (
            <a
              id="journeys-link"
              class={BUTTON_SECONDARY}
              href={journeysHref({ ...frame.selection, site }, data.filters.bots)}
            >
              Journeys
            </a>
          )}
          <ExportLink
            kind="overview"
            selection={{ site, period }}
            readOnly={frame.readOnly}
            extra={data.kind === "site" ? exportFilterParams(data.filters) : {}}
          />
        </>
      )}
    >
      {data.kind === "site" && <SiteDashboard data={data} />}
      {data.kind === "all" && <AllSitesDashboard data={data} />}
      {data.kind === "none" && <NoSites data={data} />}
      {data.instance && <InstanceCard instance={data.instance} />}
    </AdminShell>
  );
}

/**
 * How much of the traffic is proven (issue 14): verified visitors next to the visitor count,
 * then the readers who never touched the page and the hits excluded as bots, neither counted.
 */
function ProofStrip(props: { overview: Overview; botsHref: string }) {
  const o = props.overview;
  const share = o.unique_visitors > 0
    ? ` (${Math.round((o.verified_visitors / o.unique_visitors) * 100)}% of visitors)`
    : "";
  return (
    <section class="grid gap-4 sm:grid-cols-3" id="proof">
      <StatCard
        label="Verified human visitors"
        value={formatNumber(o.verified_visitors)}
        hint={`valid proof of work and real interaction${share}`}
      />
      <StatCard
        label="Unverified (not counted)"
        value={`${formatNumber(o.unverified_views)} views · ${
          formatNumber(o.unverified_visitors)
        } visitors`}
        hint="valid proof but no real interaction: readers who never touched the page"
      />
      <div>
        <StatCard
          label="Excluded as bots"
          value={`${formatNumber(o.excluded_views)} views · ${
            formatNumber(o.excluded_visitors)
          } visitors`}
          hint="score of 50 or more"
        />
        <a class={`${LINK} text-xs`} id="why-excluded-link" href={`${props.botsHref}#why-excluded`}>
          Why excluded →
        </a>
      </div>
    </section>
  );
}

function SiteDashboard(props: { data: Data & { kind: "site" } }) {
  const { frame, overview, site, live, kpis, filters, trend, annotations } = props.data;
  const period = frame.selection.period;
  const selection = { ...frame.selection, site };
  const pollUrl = livePollUrl(frame.selection, site, filters, "dashboard");
  const raws = filters.items.map((i) => i.raw);
  /** A row's link: this dashboard with `dimension is <value>` added (none for "(other)"). */
  const filterHref = (dimension: string, value: string) =>
    value === OTHER_VALUE
      ? null
      : dashboardHref(selection, withFilter(raws, urlFilter(dimension, "is", value)), filters.bots);
  // Parts a filter does not narrow yet are left out (said in a notice), not shown unfiltered.
  const hidden = unnarrowedParts(overview);
  const shows = (part: NarrowedPart) => !hidden.has(part);
  return (
    <>
      {/* The island's marker is display: contents; the div takes the page's spacing. */}
      <div>
        <LivePanel
          siteId={site}
          initial={live}
          realtimeHref={adminHref("/admin/realtime", selection)}
          filtered={pollUrl === null
            ? undefined
            : { url: pollUrl, labels: liveFilterLabels(filters) }}
        />
      </div>
      <SiteNotices
        site={site}
        anonymized={props.data.anonymized}
        empty={overview.pageviews === 0 && overview.events === 0}
        snippet={frame.readOnly ? null : embedSnippet(props.data.origin, site)}
        errors={filters.errors}
      />
      <FilterBar
        selection={selection}
        filters={filters}
        segments={props.data.segments}
        readOnly={frame.readOnly}
      />
      <KpiGrid kpis={kpis} id="kpis" />
      {hidden.size > 0 && (
        <Notice>
          <span id="not-narrowed">
            Not computed under these filters yet, so left out:{" "}
            {[...hidden].map((part) => NARROWED_PARTS[part].label).join(", ")}.
          </span>
        </Notice>
      )}
      {shows("proof") && (
        <ProofStrip overview={overview} botsHref={adminHref("/admin/bots", selection)} />
      )}
      <Card
        title="Trend"
        subtitle={`Page views and visitors per ${trend.unit} (${trend.timeZone}).`}
      >
        <TrendChart
          id="trend-chart"
          title={`Page views and visitors per ${trend.unit}, ${site}`}
          points={trend.points}
          unit={trend.unit}
          timeZone={trend.timeZone}
          previousLabel={overview.previous ? previousLabel(overview, period) : undefined}
          annotations={annotations}
        />
        <AnnotationList
          id="annotations"
          notes={annotations}
          forms={frame.readOnly ? undefined : {
            site,
            returnTo: dashboardHref(selection, raws, filters.bots),
            defaultDate: period.to,
          }}
        />
      </Card>

      <div class="grid gap-4 lg:grid-cols-2">
        <DashboardCards
          cards={DASHBOARD_CARDS}
          overview={overview}
          shows={shows}
          filterHref={filterHref}
          countryMap={props.data.countryMap}
        />
        <GoalsCard
          model={props.data.goals}
          filterHref={(goal) => filterHref(GOAL_DIMENSION, goal)}
          manageHref={frame.readOnly
            ? null
            : adminHref(`/admin/sites/${encodeURIComponent(site)}/goals`, {
              ...selection,
              filters: raws,
            }, { bots: filters.bots === "hide" ? null : filters.bots })}
          funnelsHref={adminHref(`/admin/sites/${encodeURIComponent(site)}/funnels`, {
            ...selection,
            filters: raws,
          }, { bots: filters.bots === "hide" ? null : filters.bots })}
          retentionHref={adminHref(`/admin/sites/${encodeURIComponent(site)}/retention`, {
            ...selection,
            filters: raws,
          }, { bots: filters.bots === "hide" ? null : filters.bots })}
        />
      </div>

      {shows("vitals") && <WebVitalsCard vitals={overview.web_vitals} />}
    </>
  );
}

/** What the admin should know before the figures: anonymised labels, no data, dropped filters. */
function SiteNotices(
  props: {
    site: string;
    anonymized: boolean;
    empty: boolean;
    /** The site's snippet to offer when it has no data (none on a read-only instance). */
    snippet: string | null;
    errors: string[];
  },
) {
  const { site } = props;
  return (
    <>
      {props.anonymized && (
        <Notice>
          <span id="dashboard-anonymized">
            <strong>{site}</strong>{" "}
            is anonymised (ECHELON_ANONYMIZE_SITES): pages, referrers, countries, devices, browsers
            and campaigns are shown as daily pseudonyms. Counts, visitors, sessions and bounce rates
            are exact; a page's pseudonym changes at UTC midnight.
          </span>
        </Notice>
      )}
      {props.empty && (
        <Notice>
          No page views for <strong>{site}</strong> in this period.
          {props.snippet !== null && (
            <>
              {" "}If the site is new, paste its snippet into every page:
              <Snippet code={props.snippet} />
            </>
          )}
        </Notice>
      )}
      {props.errors.length > 0 && (
        <Notice tone="error">
          <ul id="filter-errors" class="list-inside list-disc space-y-1">
            {props.errors.map((error) => <li key={error}>{error}</li>)}
          </ul>
        </Notice>
      )}
    </>
  );
}

function AllSitesDashboard(props: { data: Data & { kind: "all" } }) {
  const { frame, all, kpis, trend, annotations } = props.data;
  const period = frame.selection.period;
  return (
    <>
      {(frame.selection.filters ?? []).length > 0 && (
        <Notice tone="warning">
          <span id="filters-need-site">
            Filters apply to one site's dashboard: pick a site above to see them.
          </span>
        </Notice>
      )}
      <Notice>
        Figures of {all.truncated ? "the sites listed below" : "every site"}{" "}
        added up. Pick a site above for its live panel, top lists and web vitals.
      </Notice>
      <KpiGrid kpis={kpis} id="kpis" />
      <Card
        title="Trend"
        subtitle={`Page views and visitors per ${trend.unit}, all sites (${trend.timeZone}).`}
      >
        <TrendChart
          id="trend-chart"
          title={`Page views and visitors per ${trend.unit}, all sites`}
          points={trend.points}
          unit={trend.unit}
          timeZone={trend.timeZone}
          previousLabel={period.days === null ? "previous period" : `previous ${period.days} days`}
          annotations={annotations}
        />
        <AnnotationList id="annotations" notes={annotations} />
      </Card>
      <Card title="Sites" subtitle="Each site over the period, busiest first.">
        <DataTable
          id="sites-table"
          caption="Sites over the period"
          head={
            <>
              <Th>Site</Th>
              <Th numeric>Visitors</Th>
              <Th numeric>Change</Th>
              <Th numeric>Page views</Th>
              <Th numeric>Sessions</Th>
              <Th numeric>Bounce rate</Th>
              <Th numeric>Pages / session</Th>
              <Th numeric>Avg engagement</Th>
            </>
          }
        >
          {all.sites.length === 0 && <EmptyRow columns={8}>No sites yet.</EmptyRow>}
          {all.sites.map(({ site_id, name, overview: o }) => {
            const change = o.deltas?.unique_visitors;
            return (
              <tr data-site={site_id}>
                <Td>
                  <a class={LINK} href={adminHref("/admin", { ...frame.selection, site: site_id })}>
                    {name ? `${name} (${site_id})` : site_id}
                  </a>
                </Td>
                <Td numeric>{formatNumber(o.unique_visitors)}</Td>
                <Td numeric>{siteChange(change)}</Td>
                <Td numeric>{formatNumber(o.pageviews)}</Td>
                <Td numeric>{formatNumber(o.sessions)}</Td>
                <Td numeric>{`${o.bounce_rate.toFixed(1)}%`}</Td>
                <Td numeric>{o.pages_per_session.toFixed(2)}</Td>
                <Td numeric>{formatDuration(o.avg_engagement_ms)}</Td>
              </tr>
            );
          })}
        </DataTable>
        {all.truncated && (
          <p class="mt-2 text-xs text-slate-500">
            {all.sites.length} of {formatNumber(frame.sites.total)}{" "}
            sites are summarised (those you added first, then by id); pick a site above or{" "}
            <a class={LINK} href="/admin/sites">find one</a> for the others.
          </p>
        )}
      </Card>
    </>
  );
}

function siteChange(change: { change: number; change_pct: number | null } | undefined): string {
  if (!change || change.change === 0) return "—";
  if (change.change_pct === null) return "new";
  return `${change.change_pct > 0 ? "+" : ""}${change.change_pct.toFixed(1)}%`;
}

function NoSites(props: { data: Data }) {
  const { frame, origin } = props.data;
  return (
    <Card title="No sites yet" id="no-sites">
      <p class="text-sm text-slate-600 dark:text-slate-400">
        Nothing has been tracked on this instance yet.
      </p>
      {!frame.readOnly && (
        <>
          <p class="mt-2 text-sm text-slate-600 dark:text-slate-400">
            Paste this tag into every page of your site (replace <code>my-site</code>{" "}
            with a short id), or <a class={LINK} href="/admin/sites">add a site</a> first:
          </p>
          <Snippet id="snippet" code={embedSnippet(origin, "my-site")} />
        </>
      )}
    </Card>
  );
}

function formatUptime(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  if (seconds < 86_400) {
    return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
  }
  return `${Math.floor(seconds / 86_400)} d ${Math.floor((seconds % 86_400) / 3600)} h`;
}

function InstanceCard(props: { instance: Instance }) {
  const { instance } = props;
  const uptime = formatUptime(instance.uptimeSeconds);
  return (
    <Card title="Instance" id="instance">
      <dl class="grid gap-x-6 gap-y-1 text-sm sm:grid-cols-4">
        <div>
          <dt class="text-xs text-slate-500">Version</dt>
          <dd>{instance.version}</dd>
        </div>
        <div>
          <dt class="text-xs text-slate-500">Uptime</dt>
          <dd>{uptime}</dd>
        </div>
        <div>
          <dt class="text-xs text-slate-500">Schema version</dt>
          <dd>{instance.schemaVersion}</dd>
        </div>
        <div class="min-w-0">
          <dt class="text-xs text-slate-500">Database</dt>
          <dd class="truncate font-mono text-xs" title={instance.dbPath}>{instance.dbPath}</dd>
        </div>
      </dl>
      <p class="mt-2 text-xs text-slate-500">
        Health: <a class={LINK} href="/api/health">/api/health</a>
      </p>
    </Card>
  );
}
