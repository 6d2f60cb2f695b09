// A stats fixture with answers you can count on your fingers (the test clock is frozen at
// 2026-11-20T12:00Z, so "yesterday" is 2026-11-19 and "today" 2026-11-20):
//
// 2026-11-18  v8/s8: "/" (bounce)                                          1 view, 1 visitor
// 2026-11-19  v1/s1: "/" (google.com) → "/pricing" → "/signup"             3 views
//             v2/s2: "/" (bounce, mobile, US)                              1 view
//             v3/s3: "/pricing" (t.co, utm twitter/social/launch) → "/"    2 views
//             v4/s4: "/blog" (bounce)                                      1 view
//             v5/s5: "/" at 23:50 … the session crosses midnight           1 view
//             bot (score 80): "/", "/pricing"; excluded visitor: "/"       not counted
//             = 8 views, 5 visitors, 5 sessions, 2 bounces
// 2026-11-20  v5b/s5: "/docs" 00:05, "/pricing" 00:10 (new daily id, same session)
//             v6/s6: "/" (google.com) 09:00 → "/pricing" 09:30             2 views
//             v7/s7: "/" 11:58 (bounce, tablet, SE)                        1 view
//             = 5 views, 3 visitors, 2 sessions (s5 belongs to the 19th), 1 bounce
//
// Events: pageview_end engaged 10 s / 20 s / 3 s / 30 s with scroll 50 / 100 / 25 / 75; LCP
// 1024, 2048, 3072, 4096, 5120 ms; CLS 50, 100, 320 (×1000); INP 40, 48, 56, 520 ms (520 is
// kept in the 512 bucket: 1/32 of its power of two); outbound partner ×2 (v1) and other ×1
// (v3); one download (v4); custom signup (v1, v6) and purchase (v1); one batch-API event without
// a visitor id; bounce events for v2 and v4; a bot's and the excluded visitor's events.
import { insertEvents, insertViews } from "../lib/db/collect.ts";
import { EVENT_COLUMNS, type EventRow, VIEW_COLUMNS, type ViewRow } from "../lib/db/columns.ts";
import { TEST_SECRET, type TestApp } from "./_helpers.ts";

export const SECRET = TEST_SECRET;
export const AUTH = { authorization: `Bearer ${SECRET}` };
export const SITE = "shop";

export const D0 = "2026-11-18";
export const D1 = "2026-11-19";
export const D2 = "2026-11-20";

const at = (day: string, time: string) => `${day}T${time}.000Z`;

export function view(fields: Partial<ViewRow>): ViewRow {
  const row = Object.fromEntries(VIEW_COLUMNS.map((c) => [c, null])) as ViewRow;
  return Object.assign(row, {
    site_id: SITE,
    path: "/",
    interaction_ms: 1000,
    is_spa: 0,
    is_returning: 0,
    is_pwa: 0,
    screen_width: 1920,
    screen_height: 1080,
    device_type: "desktop",
    os_name: "Windows",
    browser_name: "Chrome",
    country_code: "FI",
    referrer_type: "direct_or_unknown",
    pow_verdict: "valid",
    bot_score: 0,
    bot_score_detail: "{}",
  }, fields);
}

export function event(fields: Partial<EventRow>): EventRow {
  const row = Object.fromEntries(EVENT_COLUMNS.map((c) => [c, null])) as EventRow;
  return Object.assign(row, {
    site_id: SITE,
    data: "{}",
    is_returning: 0,
    source: "beacon",
    bot_score: 0,
    bot_score_detail: "{}",
  }, fields);
}

/** A later page of the same visit: the referrer is the site itself. */
const internal = { referrer: "https://shop.example", referrer_domain: "shop.example" } as const;

export const FIXTURE_VIEWS: ViewRow[] = [
  view({ visitor_id: "v8", session_id: "s8", created_at: at(D0, "08:00:00") }),

  view({
    visitor_id: "v1",
    session_id: "s1",
    created_at: at(D1, "10:00:00"),
    referrer: "https://www.google.com",
    referrer_domain: "google.com",
    referrer_type: "search",
  }),
  view({
    visitor_id: "v1",
    session_id: "s1",
    path: "/pricing",
    created_at: at(D1, "10:01:00"),
    ...internal,
    referrer_type: "internal",
  }),
  view({
    visitor_id: "v1",
    session_id: "s1",
    path: "/signup",
    created_at: at(D1, "10:02:00"),
    ...internal,
    referrer_type: "internal",
  }),
  view({
    visitor_id: "v2",
    session_id: "s2",
    created_at: at(D1, "11:00:00"),
    device_type: "mobile",
    os_name: "iOS",
    browser_name: "Safari",
    screen_width: 390,
    screen_height: 844,
    country_code: "US",
  }),
  view({
    visitor_id: "v3",
    session_id: "s3",
    path: "/pricing",
    created_at: at(D1, "12:00:00"),
    os_name: "macOS",
    browser_name: "Safari",
    screen_width: 1440,
    screen_height: 900,
    country_code: "DE",
    referrer: "https://t.co",
    referrer_domain: "t.co",
    referrer_type: "social",
    utm_source: "twitter",
    utm_medium: "social",
    utm_campaign: "launch",
  }),
  view({
    visitor_id: "v3",
    session_id: "s3",
    created_at: at(D1, "12:05:00"),
    os_name: "macOS",
    browser_name: "Safari",
    screen_width: 1440,
    screen_height: 900,
    country_code: "DE",
    ...internal,
    referrer_type: "internal",
  }),
  view({ visitor_id: "v4", session_id: "s4", path: "/blog", created_at: at(D1, "13:00:00") }),
  view({ visitor_id: "v5", session_id: "s5", created_at: at(D1, "23:50:00"), country_code: "GB" }),
  // Not counted: a bot-scored visitor and an excluded one.
  view({ visitor_id: "bot", session_id: "sb", created_at: at(D1, "14:00:00"), bot_score: 80 }),
  view({
    visitor_id: "bot",
    session_id: "sb",
    path: "/pricing",
    created_at: at(D1, "14:01:00"),
    bot_score: 80,
  }),
  view({ visitor_id: "excluded", session_id: "sx", created_at: at(D1, "15:00:00") }),

  view({
    visitor_id: "v5b",
    session_id: "s5",
    path: "/docs",
    created_at: at(D2, "00:05:00"),
    country_code: "GB",
    ...internal,
    referrer_type: "internal",
  }),
  view({
    visitor_id: "v5b",
    session_id: "s5",
    path: "/pricing",
    created_at: at(D2, "00:10:00"),
    country_code: "GB",
    ...internal,
    referrer_type: "internal",
  }),
  view({
    visitor_id: "v6",
    session_id: "s6",
    created_at: at(D2, "09:00:00"),
    referrer: "https://www.google.com",
    referrer_domain: "google.com",
    referrer_type: "search",
  }),
  view({
    visitor_id: "v6",
    session_id: "s6",
    path: "/pricing",
    created_at: at(D2, "09:30:00"),
    ...internal,
    referrer_type: "internal",
  }),
  view({
    visitor_id: "v7",
    session_id: "s7",
    created_at: at(D2, "11:58:00"),
    device_type: "tablet",
    os_name: "iPadOS",
    browser_name: "Safari",
    screen_width: 820,
    screen_height: 1180,
    country_code: "SE",
  }),
];

const vital = (visitor: string, session: string, day: string, metric: string, value: number) =>
  event({
    event_type: "web_vital",
    visitor_id: visitor,
    session_id: session,
    data: JSON.stringify({ metric, value, rating: "good" }),
    created_at: at(day, "12:30:00"),
  });

const pageEnd = (visitor: string, session: string, day: string, engaged: number, scroll: number) =>
  event({
    event_type: "pageview_end",
    visitor_id: visitor,
    session_id: session,
    engaged_ms: engaged,
    scroll_pct: scroll,
    data: JSON.stringify({ engaged_ms: engaged, scroll_pct: scroll }),
    created_at: at(day, "12:20:00"),
  });

export const FIXTURE_EVENTS: EventRow[] = [
  pageEnd("v1", "s1", D1, 10_000, 50),
  pageEnd("v1", "s1", D1, 20_000, 100),
  pageEnd("v2", "s2", D1, 3_000, 25),
  pageEnd("v6", "s6", D2, 30_000, 75),
  vital("v1", "s1", D1, "LCP", 1024),
  vital("v2", "s2", D1, "LCP", 2048),
  vital("v3", "s3", D1, "LCP", 3072),
  vital("v4", "s4", D1, "LCP", 4096),
  vital("v6", "s6", D2, "LCP", 5120),
  vital("v1", "s1", D1, "CLS", 50),
  vital("v2", "s2", D1, "CLS", 100),
  vital("v3", "s3", D1, "CLS", 320),
  vital("v1", "s1", D1, "INP", 40),
  vital("v2", "s2", D1, "INP", 48),
  vital("v3", "s3", D1, "INP", 56),
  vital("v4", "s4", D1, "INP", 520),
  ...[1, 2].map(() =>
    event({
      event_type: "outbound",
      visitor_id: "v1",
      session_id: "s1",
      data: '{"url":"https://partner.example/","host":"partner.example"}',
      created_at: at(D1, "10:03:00"),
    })
  ),
  event({
    event_type: "outbound",
    visitor_id: "v3",
    session_id: "s3",
    data: '{"url":"https://other.example/","host":"other.example"}',
    created_at: at(D1, "12:06:00"),
  }),
  event({
    event_type: "download",
    visitor_id: "v4",
    session_id: "s4",
    data: '{"url":"https://shop.example/files/guide.pdf","file":"guide.pdf","ext":"pdf"}',
    created_at: at(D1, "13:01:00"),
  }),
  event({
    event_type: "custom",
    event_name: "signup",
    visitor_id: "v1",
    session_id: "s1",
    data: '{"name":"signup"}',
    created_at: at(D1, "10:02:30"),
  }),
  event({
    event_type: "custom",
    event_name: "purchase",
    visitor_id: "v1",
    session_id: "s1",
    data: '{"name":"purchase"}',
    created_at: at(D1, "10:04:00"),
  }),
  event({
    event_type: "custom",
    event_name: "signup",
    visitor_id: "v6",
    session_id: "s6",
    data: '{"name":"signup"}',
    created_at: at(D2, "09:31:00"),
  }),
  // The batch API stores events without a visitor id: counted, keyed by their session.
  event({
    event_type: "custom",
    event_name: "api_sync",
    visitor_id: null,
    session_id: "sapi",
    source: "ingest",
    data: '{"name":"api_sync"}',
    created_at: at(D1, "16:00:00"),
  }),
  event({
    event_type: "bounce",
    visitor_id: "v2",
    session_id: "s2",
    created_at: at(D1, "11:02:00"),
  }),
  event({
    event_type: "bounce",
    visitor_id: "v4",
    session_id: "s4",
    created_at: at(D1, "13:02:00"),
  }),
  // Not counted.
  event({
    event_type: "custom",
    event_name: "signup",
    visitor_id: "bot",
    session_id: "sb",
    bot_score: 80,
    data: '{"name":"signup"}',
    created_at: at(D1, "14:02:00"),
  }),
  pageEnd("excluded", "sx", D1, 99_000, 100),
];

/** Inserts the fixture (views, events, the exclusion) straight into the app's database. */
export function insertFixture(t: TestApp): void {
  const db = t.services.db;
  insertViews(db, FIXTURE_VIEWS);
  insertEvents(db, FIXTURE_EVENTS);
  db.run("INSERT INTO excluded_visitors (visitor_id, label) VALUES ('excluded', 'fixture')");
}

export async function getJson(
  t: TestApp,
  path: string,
  expectStatus = 200,
  // deno-lint-ignore no-explicit-any
): Promise<any> {
  const res = await t.request(path, { headers: AUTH });
  const body = await res.json();
  if (res.status !== expectStatus) {
    throw new Error(`${path}: expected ${expectStatus}, got ${res.status} ${JSON.stringify(body)}`);
  }
  return body;
}
