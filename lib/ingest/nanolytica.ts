// Nanolytica compatibility: its collect payload (`POST /api/analytics/collect`, JSON {path,
// referrer, screen_size, user_agent, duration_sec, scroll_depth, site}) validated with its own
// limits, then mapped onto our page views and events so it runs through the same pipeline steps.
//
// Nanolytica's script posts twice per page: on load with duration_sec 0, and on unload with the
// active time and the deepest scroll. Storing both as views double-counts every page (a flaw of
// Nanolytica, reference §12), so the first becomes a page view and the second a `pageview_end`
// event carrying engaged_ms and scroll_pct — exactly what our own tracker sends on unload.
import { SITE_ID_PATTERN } from "../config.ts";
import { stripControl } from "./encoding.ts";
import type { ViewHit } from "./hit.ts";
import { normalisePagePath } from "./page_path.ts";
import type { CollectorDeps } from "./steps.ts";
import type { ViewDecoder } from "./view_pipeline.ts";

/** Nanolytica's body limit (10 KB). */
export const MAX_COLLECT_BODY = 10_240;
const MAX_PATH = 2048;
const MAX_REFERRER = 2048;
const MAX_USER_AGENT = 512;
const MAX_DURATION_SEC = 86_400;
const SCREEN_SIZE = /^(\d{1,5})x(\d{1,5})$/;

export interface NanolyticaPayload {
  /** Lower-cased site id; "default" when the payload has none (Nanolytica's default site). */
  site: string;
  path: string;
  referrer: string | null;
  screen: { width: number; height: number } | null;
  /** Active engagement time in seconds: 0 on the load post, the final time on unload. */
  durationSec: number;
  scrollDepth: number | null;
}

export type ParsedPayload =
  | { ok: true; value: NanolyticaPayload }
  | { ok: false; message: string };

function preview(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value) ?? String(value);
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}

function optionalString(
  body: Record<string, unknown>,
  name: string,
  max: number,
): string | null | Error {
  const value = body[name];
  if (value === undefined || value === null) return null;
  if (typeof value !== "string") {
    return new Error(`${name}: must be a string, got ${preview(value)}`);
  }
  if (value.length > max) return new Error(`${name}: at most ${max} characters (${value.length})`);
  const text = stripControl(value).trim();
  return text === "" ? null : text;
}

function optionalInteger(
  body: Record<string, unknown>,
  name: string,
  max: number,
): number | null | Error {
  const value = body[name];
  if (value === undefined || value === null) return null;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > max) {
    return new Error(`${name}: must be an integer 0-${max}, got ${preview(value)}`);
  }
  return value;
}

/** Validates a collect body with Nanolytica's rules; the message names the field and value. */
export function parseNanolyticaPayload(body: unknown): ParsedPayload {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return { ok: false, message: "Expected a JSON object {path, site?, referrer?, …}" };
  }
  const fields = body as Record<string, unknown>;
  const path = optionalString(fields, "path", MAX_PATH);
  const referrer = optionalString(fields, "referrer", MAX_REFERRER);
  const screenSize = optionalString(fields, "screen_size", 32);
  const userAgent = optionalString(fields, "user_agent", MAX_USER_AGENT);
  const site = optionalString(fields, "site", 64);
  const duration = optionalInteger(fields, "duration_sec", MAX_DURATION_SEC);
  const scroll = optionalInteger(fields, "scroll_depth", 100);
  for (const value of [path, referrer, screenSize, userAgent, site, duration, scroll]) {
    if (value instanceof Error) return { ok: false, message: value.message };
  }
  if (path === null) return { ok: false, message: "path: required" };
  if (!(path as string).startsWith("/")) {
    return { ok: false, message: `path: must start with "/", got ${preview(path)}` };
  }
  let screen: NanolyticaPayload["screen"] = null;
  if (screenSize !== null) {
    const match = SCREEN_SIZE.exec(screenSize as string);
    if (!match) {
      return {
        ok: false,
        message: `screen_size: expected WIDTHxHEIGHT, got ${preview(screenSize)}`,
      };
    }
    screen = { width: Number(match[1]), height: Number(match[2]) };
  }
  if (site !== null && !SITE_ID_PATTERN.test(site as string)) {
    return {
      ok: false,
      message: `site: ${preview(site)} is not a site id (1-64 of A-Z a-z 0-9 . _ -)`,
    };
  }
  return {
    ok: true,
    value: {
      site: ((site as string | null) ?? "default").toLowerCase(),
      path: path as string,
      referrer: referrer as string | null,
      screen,
      durationSec: (duration as number | null) ?? 0,
      scrollDepth: scroll as number | null,
    },
  };
}

/** The load post is a page view; the unload post (duration_sec > 0) reports engagement. */
export function isPageView(payload: NanolyticaPayload): boolean {
  return payload.durationSec === 0;
}

export interface NanolyticaViewHit extends ViewHit {
  payload: NanolyticaPayload;
}

/**
 * Fills a view hit from the payload. Nanolytica has no interaction delay, session id or
 * proof-of-work token: the timing signal is skipped (null, as for SPA views), the session falls
 * back to the day's visitor id (Nanolytica's own day-scoped session), and the missing token is
 * scored like any other (+15). The User-Agent header is used, never the body's copy.
 */
export function nanolyticaDecoder(deps: CollectorDeps): ViewDecoder<NanolyticaViewHit> {
  return {
    parse: {
      name: "parse",
      run(hit) {
        hit.siteId = hit.payload.site;
        hit.path = hit.payload.path;
        hit.reportPath = hit.path.split(/[?#]/)[0].slice(0, 512) || "/";
      },
    },
    validate: {
      name: "validate",
      run(hit) {
        const p = hit.payload;
        const page = normalisePagePath(p.path, deps.caches.settings(hit.siteId).queryAllowlist);
        if (!page) return "invalid_payload";
        hit.params = new URLSearchParams();
        hit.path = page.path;
        hit.isSpa = false;
        hit.interactionMs = null;
        hit.sessionId = null;
        hit.screenGiven = p.screen !== null;
        hit.screenWidth = p.screen?.width ?? null;
        hit.screenHeight = p.screen?.height ?? null;
        hit.isPwa = false;
        hit.cookieMode = false;
        hit.token = null;
        hit.powSolveMs = null;
        hit.interaction = null;
        hit.referrerUrl = p.referrer;
        hit.utm = {
          campaign: page.utm.utm_campaign ?? null,
          source: page.utm.utm_source ?? null,
          medium: page.utm.utm_medium ?? null,
          content: page.utm.utm_content ?? null,
          term: page.utm.utm_term ?? null,
        };
      },
    },
  };
}

/** The unload post as a `POST /e` body: one `pageview_end` with the engagement figures. */
export function nanolyticaEventsBody(payload: NanolyticaPayload): unknown {
  return {
    siteId: payload.site,
    events: [{
      type: "pageview_end",
      data: {
        // Nanolytica sends the pathname only; anything after it is not kept (docs/architecture.md,
        // decision 6).
        path: payload.path.split(/[?#]/)[0],
        engaged_ms: payload.durationSec * 1000,
        ...(payload.scrollDepth === null ? {} : { scroll_pct: payload.scrollDepth }),
      },
    }],
  };
}
