// The dashboard's top lists as data (routes/admin/index.tsx draws them with one loop,
// components/DashboardCards.tsx): its cards, in page order, each holding the registry's lists
// drawn there (lib/query/dimensions.ts `dashboard`) and the lists the engine has no dimension for
// yet. A list whose values are a dimension's links each row to that dimension's filter.
import {
  type DimensionSpec,
  OVERVIEW_DIMENSIONS,
  type OverviewListSpec,
} from "../query/dimensions.ts";
import type { Overview, OverviewLists } from "../stats/overview.ts";
import { countryName } from "./country.ts";
import type { NarrowedPart } from "./dashboard.ts";

/** One row of a list: the value (what its filter compares), how it reads, its counts. */
export interface ListRow {
  value: string;
  display?: string;
  count: number;
  secondary?: string | number;
  /** False: this row is not a value of the list's dimension (no filter link). */
  linked?: boolean;
}

export interface DashboardList {
  table: string;
  heading?: string;
  /** Column headings: the value's, the count's and the secondary figure's. */
  columns: readonly [string, string, string?];
  empty: string;
  mono: boolean;
  /** The registry dimension whose filter a row adds; null: the rows are not links. */
  dimension: string | null;
  /** Left out when a filter does not narrow this part (lib/admin/dashboard.ts NARROWED_PARTS). */
  part?: NarrowedPart;
  rows: (overview: Overview) => ListRow[];
}

export interface DashboardCard {
  id: string;
  title: string;
  subtitle?: string;
  part?: NarrowedPart;
  /** The country map above the lists. */
  map?: boolean;
  /** Left out when its lists have no rows (regions and cities need a city geo database). */
  hideEmpty?: boolean;
  lists: DashboardList[];
}

export type Listed = DimensionSpec & { overview: OverviewListSpec };

/** The counts of each kind of registry list row (lib/query/dimensions.ts `rows`). */
const COUNTS: Record<
  OverviewListSpec["rows"],
  { columns: [string, string?]; of: (r: Record<string, number>) => [number, (string | number)?] }
> = {
  views: { columns: ["Views", "Visitors"], of: (r) => [r.views, r.visitors] },
  visits: { columns: ["Views", "Visitors"], of: (r) => [r.visits, r.visitors] },
  entries: {
    columns: ["Sessions", "Bounce"],
    of: (r) => [r.sessions, `${r.bounce_rate.toFixed(1)}%`],
  },
  exits: { columns: ["Sessions"], of: (r) => [r.sessions] },
};

const SHOW: Record<string, (value: string) => string> = {
  words: (value) => value.replaceAll("_", " "),
  country: countryName,
};

/** A registry list as the dashboard draws it. */
function registryList(d: Listed): DashboardList {
  const { overview: list } = d;
  const view = list.dashboard;
  const counts = COUNTS[list.rows];
  const show = view.show ? SHOW[view.show] : undefined;
  return {
    table: view.table,
    heading: view.heading,
    columns: [view.column, ...counts.columns],
    empty: view.empty,
    mono: view.show === "mono",
    dimension: d.key,
    rows: (o) =>
      (o[list.key as keyof OverviewLists] as unknown as Record<string, string & number>[]).map(
        (r) => {
          const value = String(r[list.field]);
          const [count, secondary] = counts.of(r);
          return { value, display: show?.(value), count, secondary };
        },
      ),
  };
}

/** The rows of the overview's `key` list: each one's value, count and secondary figure. */
const counted = <K extends keyof OverviewLists>(
  key: K,
  value: (r: OverviewLists[K][number]) => string,
  count: (r: OverviewLists[K][number]) => number,
  secondary?: (r: OverviewLists[K][number]) => string | number,
) =>
(o: Overview): ListRow[] =>
  (o[key] as OverviewLists[K][number][]).map((r) => ({
    value: value(r),
    count: count(r),
    secondary: secondary?.(r),
  }));

/** A region or city row: its names, then the country ("Leeds, England, GB" / "…, United Kingdom"). */
function place(
  names: (string | null)[],
  country: string,
  counts: { visits: number; visitors: number },
) {
  return {
    value: [...names, country].filter(Boolean).join(", "),
    display: [...names, countryName(country)].filter(Boolean).join(", "),
    count: counts.visits,
    secondary: counts.visitors,
  };
}

const NO_VIEWS = "No page views.";

/** The event type of custom events: their name is their own (the custom events list links it). */
const CUSTOM_TYPE = "custom";

// Lists of the dashboard the registry has no overview list for. Rows link only where a registry
// dimension holds exactly the row's value:
// - regions and cities: a row is a place (country, region, city together); the engine has no
//   region or city dimension, so no filter;
// - resolutions: "<width>x<height>"; the engine's screen dimension is the width class only;
// - outbound links and downloads: the URL is the event's `url`, else its `file`, cut at 512
//   characters (lib/db/stats_source.ts materializeEvents), which no property filter matches exactly;
// - scroll depth: quarters of a number the engine does not group by;
// - custom events and event types are `event:name` (an event's custom name, else its type), except
//   the "custom" type, whose events have names of their own.
const EXTRA = {
  regions: {
    table: "regions-table",
    columns: ["Region", "Views", "Visitors"],
    empty: NO_VIEWS,
    mono: false,
    dimension: null,
    rows: (o) => o.regions.map((r) => place([r.region], r.country_code, r)),
  },
  cities: {
    table: "cities-table",
    columns: ["City", "Views", "Visitors"],
    empty: NO_VIEWS,
    mono: false,
    dimension: null,
    rows: (o) => o.cities.map((r) => place([r.city, r.region], r.country_code, r)),
  },
  resolutions: {
    table: "resolutions-table",
    heading: "Resolution",
    columns: ["Size", "Views", "Visitors"],
    empty: NO_VIEWS,
    mono: true,
    dimension: null,
    part: "resolutions",
    rows: counted("resolutions", (r) => r.resolution, (r) => r.views, (r) => r.visitors),
  },
  outbound: {
    table: "outbound-table",
    columns: ["URL", "Clicks", "Visitors"],
    empty: "No outbound clicks.",
    mono: true,
    dimension: null,
    rows: counted("outbound_links", (r) => r.url, (r) => r.clicks, (r) => r.visitors),
  },
  downloads: {
    table: "downloads-table",
    columns: ["File", "Clicks", "Visitors"],
    empty: "No downloads.",
    mono: true,
    dimension: null,
    rows: counted("downloads", (r) => r.url, (r) => r.clicks, (r) => r.visitors),
  },
  customEvents: {
    table: "custom-events-table",
    heading: "Custom events",
    columns: ["Name", "Events", "Visitors"],
    empty: "No custom events.",
    mono: false,
    dimension: "event:name",
    rows: counted("custom_events", (r) => r.event_name, (r) => r.count, (r) => r.visitors),
  },
  eventTypes: {
    table: "event-types-table",
    heading: "By type",
    columns: ["Type", "Events", "Visitors"],
    empty: "No events.",
    mono: false,
    dimension: "event:name",
    rows: (o) =>
      o.events_by_type.map((r) => ({
        value: r.event_type,
        display: SHOW.words(r.event_type),
        count: r.count,
        secondary: r.visitors,
        linked: r.event_type !== CUSTOM_TYPE,
      })),
  },
  scroll: {
    table: "scroll-depth-table",
    columns: ["Depth", "Page views"],
    empty: "No finished page views.",
    mono: false,
    dimension: null,
    rows: (o) => o.scroll_depth.map((r) => ({ value: `${r.depth}%`, count: r.pageviews })),
  },
} satisfies Record<string, DashboardList>;

type CardSpec = Omit<DashboardCard, "lists"> & { first?: DashboardList[] };

/** The cards in page order, each with the lists the registry has no overview list for, first. */
const CARDS: readonly CardSpec[] = [
  { id: "top-pages", title: "Pages", subtitle: "Most viewed paths." },
  { id: "entry-exit", title: "Entry and exit pages", subtitle: "Where sessions start and end." },
  { id: "sources", title: "Referrers", subtitle: "External sites that sent visitors." },
  { id: "campaigns", title: "Campaigns", subtitle: "UTM parameters of landing pages." },
  { id: "countries", title: "Countries", map: true },
  { id: "regions", title: "Regions", part: "places", hideEmpty: true, first: [EXTRA.regions] },
  { id: "cities", title: "Cities", part: "places", hideEmpty: true, first: [EXTRA.cities] },
  { id: "devices", title: "Devices and systems" },
  { id: "browsers", title: "Browsers" },
  { id: "screens", title: "Screens", first: [EXTRA.resolutions] },
  {
    id: "outbound",
    title: "Outbound links",
    subtitle: "Clicks to other sites.",
    part: "clicks",
    first: [EXTRA.outbound],
  },
  {
    id: "downloads",
    title: "Downloads",
    subtitle: "Clicks on files.",
    part: "clicks",
    first: [EXTRA.downloads],
  },
  { id: "events", title: "Events", part: "events", first: [EXTRA.customEvents, EXTRA.eventTypes] },
  {
    id: "scroll-depth",
    title: "Scroll depth",
    subtitle: "Finished page views by the deepest quarter reached.",
    part: "scroll",
    first: [EXTRA.scroll],
  },
];

/**
 * The dashboard's cards with the registry's lists `listed` (OVERVIEW_DIMENSIONS) drawn in them:
 * each card's own lists, then the registry's lists naming it, in registry order. A list naming no
 * card is an error (it would not be shown).
 */
export function dashboardCards(listed: readonly Listed[]): DashboardCard[] {
  const ids = new Set(CARDS.map((c) => c.id));
  const lost = listed.find((d) => !ids.has(d.overview.dashboard.card));
  if (lost) {
    throw new Error(`${lost.key}: no dashboard card "${lost.overview.dashboard.card}"`);
  }
  return CARDS.map(({ first = [], ...card }) => ({
    ...card,
    lists: [
      ...first,
      ...listed.filter((d) => d.overview.dashboard.card === card.id).map(registryList),
    ],
  }));
}

/** The dashboard's cards, in page order. */
export const DASHBOARD_CARDS: readonly DashboardCard[] = dashboardCards(OVERVIEW_DIMENSIONS);
