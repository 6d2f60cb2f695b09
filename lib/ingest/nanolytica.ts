// Nanolytica compatibility: its collect payload (`POST /api/analytics/collect`, JSON {path,
// referrer, screen_size, user_agent, duration_sec, scroll_depth, site}) validated with its own
// limits by a zod schema (which the OpenAPI document prints), then mapped onto our page views and events so it runs through the same pipeline steps.
//
// Nanolytica's script posts twice per page: on load with duration_sec 0, and on unload with the
// active time and the deepest scroll. Storing both as views double-counts every page (a flaw of
// Nanolytica, reference §12), so the first becomes a page view and the second a `pageview_end`
// event carrying engaged_ms and scroll_pct — exactly what our own tracker sends on unload.
import { z } from "zod";
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

function preview(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value) ?? String(value);
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}

/** Text of at most `max` characters as sent; control characters removed, trimmed; "" is null. */
function optionalText(name: string, max: number) {
  return z.string({ error: (i) => `${name}: must be a string, got ${preview(i.input)}` })
    .max(max, {
      error: (i) => `${name}: at most ${max} characters (${(i.input as string).length})`,
    })
    .overwrite((value) => stripControl(value).trim())
    .nullish()
    .transform((value) => value || null);
}

function optionalInteger(name: string, max: number) {
  const message = (i: { input: unknown }) =>
    `${name}: must be an integer 0-${max}, got ${preview(i.input)}`;
  return z.number({ error: message }).int({ error: message })
    .min(0, { error: message }).max(max, { error: message })
    .nullish()
    .transform((value) => value ?? null);
}

const PATH_REQUIRED = "path: required";

/** A collect body with Nanolytica's rules; each message names the field and the value. */
export const NANOLYTICA_BODY = z.object({
  path: z.string({
    error: (i) =>
      i.input == null ? PATH_REQUIRED : `path: must be a string, got ${preview(i.input)}`,
  })
    .max(MAX_PATH, {
      error: (i) => `path: at most ${MAX_PATH} characters (${(i.input as string).length})`,
    })
    .overwrite((value) => stripControl(value).trim())
    .refine((path) => path.startsWith("/"), {
      error: (i) =>
        i.input === "" ? PATH_REQUIRED : `path: must start with "/", got ${preview(i.input)}`,
    })
    .describe("The page path, starting with /"),
  referrer: optionalText("referrer", MAX_REFERRER),
  screen_size: optionalText("screen_size", 32)
    .refine((size) => size === null || SCREEN_SIZE.test(size), {
      error: (i) => `screen_size: expected WIDTHxHEIGHT, got ${preview(i.input)}`,
    })
    .describe("WIDTHxHEIGHT"),
  user_agent: optionalText("user_agent", MAX_USER_AGENT)
    .describe("Not used: the User-Agent header is"),
  site: optionalText("site", 64)
    .refine((site) => site === null || SITE_ID_PATTERN.test(site), {
      error: (i) => `site: ${preview(i.input)} is not a site id (1-64 of A-Z a-z 0-9 . _ -)`,
    })
    .describe("The site id (default `default`)"),
  duration_sec: optionalInteger("duration_sec", MAX_DURATION_SEC)
    .describe("0 on the load post; the active time on unload"),
  scroll_depth: optionalInteger("scroll_depth", 100),
}, { error: "Expected a JSON object {path, site?, referrer?, …}" }).transform(
  (body): NanolyticaPayload => {
    const size = body.screen_size === null ? null : SCREEN_SIZE.exec(body.screen_size);
    return {
      site: (body.site ?? "default").toLowerCase(),
      path: body.path,
      referrer: body.referrer,
      screen: size ? { width: Number(size[1]), height: Number(size[2]) } : null,
      durationSec: body.duration_sec ?? 0,
      scrollDepth: body.scroll_depth,
    };
  },
);

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
