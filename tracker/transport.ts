// Sending: page views as a GET of `/b.gif`, behaviour events batched into `POST /e` — events
// within a second share one request of at most 20 events and 16 KB, flushed at once when the page
// is hidden. sendBeacon with a text/plain Blob (no CORS preflight), else fetch with keepalive.
// fetch and sendBeacon are captured at load, so a page replacing them later does not affect us.
import { injected, site } from "./config.ts";
import { path } from "./page.ts";
import { token, tokenReady } from "./pow.ts";
import { sid } from "./session.ts";
import { utm } from "./utm.ts";
import { debug, fetchOriginal, later, win } from "./util.ts";

declare const BUILD_DEBUG: boolean;

export interface TrackerEvent {
  type: string;
  data: Record<string, unknown>;
  sessionId: string;
  utmCampaign?: string;
}

const MAX_EVENTS = 20;
const MAX_DATA_CHARS = 2048;
/** 16 KB at up to 3 UTF-8 bytes per JSON character, less the envelope (site id and token). */
const MAX_BATCH_CHARS = 5300;

const nav = navigator;
const beacon = nav.sendBeacon;
let queue: TrackerEvent[] = [];
let queuedChars = 0;
let timer = 0;

/** Queues one event; `data.path` defaults to the current page view's path. */
export function emit(type: string, data: Record<string, unknown>): void {
  data.path ??= path;
  // The server skips events whose data exceeds 2 KB of JSON: drop trailing keys until it fits.
  for (const keys = Object.keys(data); JSON.stringify(data).length > MAX_DATA_CHARS;) {
    delete data[keys.pop()!];
  }
  if (BUILD_DEBUG) debug(type, data);
  const event = { type, data, sessionId: sid, utmCampaign: utm[0] || undefined };
  const chars = JSON.stringify(event).length;
  if (queuedChars + chars > MAX_BATCH_CHARS) flush();
  queuedChars += chars;
  if (queue.push(event) >= MAX_EVENTS) flush();
  else timer ||= later(flush, 1000);
}

/**
 * Sends the queue as one request once a token is ready (no proof, no send: issue 14 item 1);
 * `leaving` sends only if the token is ready already, else the events are dropped.
 */
export function flush(leaving?: boolean): void {
  const events = queue;
  const post = () => {
    const url = injected.o + "/e";
    const tok = token()?.t;
    if (!tok) return;
    const body = JSON.stringify({ events, siteId: site, tok });
    try {
      if (beacon.call(nav, url, new Blob([body], { type: "text/plain" }))) return;
    } catch {
      // No sendBeacon, or it refused the payload: fetch below.
    }
    send(url, { method: "POST", body });
  };
  clearTimeout(timer);
  timer = queuedChars = 0;
  queue = [];
  if (!events.length) return;
  if (leaving) post();
  else tokenReady().then(post);
}

/** A no-cors keepalive fetch (survives the page being closed); an image if fetch is unusable. */
export function send(url: string, init: RequestInit = {}): void {
  if (BUILD_DEBUG) debug(url, init.body);
  try {
    fetchOriginal.call(win, url, {
      ...init,
      keepalive: true,
      mode: "no-cors",
      credentials: "include",
    })
      .catch(() => 0);
  } catch {
    if (!init.body) new Image().src = url;
  }
}
