// What the admin shell (components/AdminShell.tsx) needs on every page, gathered in one call from
// a page handler: the site/period selection, the site list for the selector, the live figures,
// who is signed in, public mode, the display time zone and a notice from the last form.
// Cheap by design: a bounded slice of the registry of sites (never all of them, never a scan of
// the views) and two index range scans. What it needs from the store (the sites and the live
// figures of the URL's selection) is fetched before the page runs, by the /admin middleware
// (fetchFrameSites into ctx.state.frameSites), so that pages can keep calling it synchronously.
import { type GeoAttribution, ipDataAttributions } from "../ingest/geo_sources.ts";
import type { LiveFigures, SiteChoices, SiteOption } from "../store/sites.ts";
import type { AppDataStore } from "../store/types.ts";
import { localDate, localDayStart } from "../query/time_zone.ts";
import type { Ctx } from "../state.ts";
import { CURSOR_PARAMS } from "./cursor.ts";
import { isReadOnly, noticeFrom } from "./forms.ts";
import { type AdminSelection, pageParams, parseSelection, parseSite, siteParam } from "./period.ts";

/**
 * Sites a selector offers at most (a <select> of them all when there are no more, else a text
 * field with these as suggestions); the dashboard and realtime summaries take theirs from these.
 */
export const SITE_CHOICES = 100;

export interface FrameSites extends SiteChoices {
  /** The selected site as registered (its name), or null for all sites or an unknown id. */
  current: SiteOption | null;
}

/** The store's answers the frame is built from, for the site the URL selects. */
export interface FrameSiteLookups {
  choices: SiteChoices;
  /** The URL's site as registered, or null (all sites, or an unknown id). */
  current: (SiteOption & { time_zone: string }) | null;
  /** The first stored view (ISO) of the URL's site (of any site for all sites), or null. */
  firstView: string | null;
  /** The live figures of the URL's selection (its site, the day in its zone) at `now`. */
  live: LiveFigures;
}

/**
 * Fetches what loadAdminFrame needs for `url` at `now`: three indexed lookups run together, then
 * the live figures of the selection they make (zeros with `live: false`: an answer that shows no
 * frame, such as the live panel's JSON poll).
 */
export async function fetchFrameSites(
  store: Pick<AppDataStore, "sites">,
  url: URL,
  now: number,
  options: { live: boolean } = { live: true },
): Promise<FrameSiteLookups> {
  const site = parseSite(siteParam(url.searchParams));
  const [choices, record, firstView] = await Promise.all([
    store.sites.choices(SITE_CHOICES),
    site === null ? null : store.sites.get(site),
    store.sites.firstStoredView(site),
  ]);
  const current = record === null
    ? null
    : { site_id: record.site_id, name: record.name, time_zone: record.time_zone };
  const lookups = { choices, current, firstView, live: NO_SITES.live };
  if (!options.live) return lookups;
  const chosen = selectionOf(url, now, lookups);
  const zone = chosen.period.timeZone;
  const live = await store.sites.liveFigures({
    site: chosen.site,
    activeSince: new Date(now - ACTIVE_WINDOW_MS).toISOString(),
    todaySince: new Date(localDayStart(zone, localDate(zone, now))).toISOString(),
  });
  return { ...lookups, live };
}

const NO_SITES: FrameSiteLookups = {
  choices: { options: [], total: 0 },
  current: null,
  firstView: null,
  live: { active_visitors: 0, views_today: 0, bot_views_today: 0 },
};

/** The URL's site as registered (null: all sites, or not registered). */
function registeredSite(lookups: FrameSiteLookups, site: string | null) {
  return site !== null && lookups.current?.site_id === site ? lookups.current : null;
}

/** The site and period `url` selects at `now`, with what the store said of its site. */
function selectionOf(url: URL, now: number, lookups: FrameSiteLookups): AdminSelection {
  return parseSelection(url, now, {
    timeZone: (site) => registeredSite(lookups, site)?.time_zone ?? "UTC",
    firstView: () => lookups.firstView,
  });
}

/** Visitors count as active for this long after their last view (the realtime definition). */
export const ACTIVE_WINDOW_MS = 5 * 60_000;

export interface AdminFrame {
  /** The request path, to mark the current navigation entry. */
  path: string;
  selection: AdminSelection;
  sites: FrameSites;
  live: LiveFigures;
  /** The signed-in admin; null in public mode. */
  username: string | null;
  /** Read-only instance: render no form that writes, no logout. */
  readOnly: boolean;
  timezone: string;
  version: string;
  /** Current time (ms), frozen per request. */
  now: number;
  /** The page's own query parameters (filters), carried through the selector forms. */
  keep: [string, string][];
  /** A message from the form that redirected here. */
  notice: string | null;
  /** The IP data in use and the attribution its licence asks for (the footer). */
  ipData: GeoAttribution[];
}

/** The frame of the page at `ctx.url` (its live figures: the URL's selection's, fetched before). */
export function loadAdminFrame(ctx: Ctx, selection?: AdminSelection): AdminFrame {
  const { config, now: clock } = ctx.state.services;
  const now = clock();
  const lookups = ctx.state.frameSites ?? NO_SITES;
  const chosen = selection ?? selectionOf(ctx.url, now, lookups);
  const current = registeredSite(lookups, chosen.site);
  return {
    path: ctx.url.pathname,
    selection: chosen,
    sites: {
      ...lookups.choices,
      current: current && { site_id: current.site_id, name: current.name },
    },
    live: lookups.live,
    username: ctx.state.username,
    readOnly: isReadOnly(ctx),
    timezone: ctx.state.timezone,
    version: config.version,
    now,
    keep: pageParams(ctx.url, [...CURSOR_PARAMS, "notice"]),
    notice: noticeFrom(ctx.url),
    ipData: ipDataAttributions(
      ctx.state.services.collect.geoInfo?.attribution ?? null,
      ctx.state.services.hosting.available,
    ),
  };
}
