// What the admin shell (components/AdminShell.tsx) needs on every page, gathered in one call from
// a page handler: the site/period selection, the site list for the selector, the live figures,
// who is signed in, public mode, the display time zone and a notice from the last form.
// Cheap by design: a bounded slice of the registry of sites (never all of them, never a scan of
// the views) and two index range scans.
import { type GeoAttribution, ipDataAttributions } from "../ingest/geo_sources.ts";
import { type LiveFigures, liveFigures } from "../db/admin_live.ts";
import {
  firstStoredView,
  type SiteChoices,
  siteChoices,
  type SiteOption,
  siteOption,
  siteTimeZones,
} from "../db/sites.ts";
import { localDate, localDayStart } from "../query/time_zone.ts";
import type { Ctx } from "../state.ts";
import { CURSOR_PARAMS } from "./cursor.ts";
import { isReadOnly, noticeFrom } from "./forms.ts";
import { type AdminSelection, pageParams, parseSelection } from "./period.ts";

/**
 * Sites a selector offers at most (a <select> of them all when there are no more, else a text
 * field with these as suggestions); the dashboard and realtime summaries take theirs from these.
 */
export const SITE_CHOICES = 100;

export interface FrameSites extends SiteChoices {
  /** The selected site as registered (its name), or null for all sites or an unknown id. */
  current: SiteOption | null;
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

export function loadAdminFrame(ctx: Ctx, selection?: AdminSelection): AdminFrame {
  const { config, db, now: clock } = ctx.state.services;
  const now = clock();
  const chosen = selection ?? parseSelection(ctx.url, now, {
    timeZone: (site) => site === null ? "UTC" : siteTimeZones(db, [site]).get(site) ?? "UTC",
    firstView: (site) => firstStoredView(db, site),
  });
  const zone = chosen.period.timeZone;
  return {
    path: ctx.url.pathname,
    selection: chosen,
    sites: {
      ...siteChoices(db, SITE_CHOICES),
      current: chosen.site === null ? null : siteOption(db, chosen.site),
    },
    live: liveFigures(db, {
      site: chosen.site,
      activeSince: new Date(now - ACTIVE_WINDOW_MS).toISOString(),
      todaySince: new Date(localDayStart(zone, localDate(zone, now))).toISOString(),
    }),
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
