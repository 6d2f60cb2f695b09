// Unit tests of lib/anonymize: the day key's properties (deterministic within a day, rotating
// across days, stable across restarts, secret-bound), collision-free session ids, the per-type
// allow-list of event data, form-value scrambling and the rows as the writers receive them.
import assert from "node:assert/strict";
import { countryName } from "../lib/admin/country.ts";
import {
  Anonymizer,
  DayMapping,
  EVENT_DATA_ALLOWLIST,
  pseudoCountryName,
} from "../lib/anonymize/mod.ts";
import { PSEUDO_COUNTRY_CODES } from "../lib/anonymize/pseudo_countries.ts";
import { TERMINAL_RESOLUTIONS } from "../lib/anonymize/themes.ts";
import { ConfigError, loadConfig } from "../lib/config.ts";
import type { EventRow, ViewRow } from "../lib/db/columns.ts";
import { hmac } from "../lib/keys.ts";

const SECRET = new TextEncoder().encode("anonymisation test secret");
const SITE = "demo";
const DAY = "2026-11-20";
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function viewRow(overrides: Partial<ViewRow> = {}): ViewRow {
  return {
    visitor_id: "c0ffee0123456789",
    session_id: "0f8fad5b-d9cb-469f-a165-70867728950e",
    site_id: SITE,
    path: "/blog/secret-post?page=2",
    interaction_ms: 1500,
    is_spa: 0,
    screen_width: 1920,
    screen_height: 1080,
    device_type: "desktop",
    os_name: "Windows",
    os_version: "10",
    browser_name: "Chrome",
    browser_version: "120.0",
    country_code: "DE",
    region: "Bavaria",
    city: "Munich",
    is_returning: 0,
    is_pwa: 0,
    referrer: "https://news.ycombinator.com",
    referrer_domain: "news.ycombinator.com",
    referrer_type: "social",
    utm_source: "newsletter",
    utm_medium: "email",
    utm_campaign: "spring-sale",
    utm_content: "hero",
    utm_term: "shoes",
    pow_verdict: "valid",
    pow_solve_ms: 40,
    bot_score: 0,
    bot_score_detail: '{"pow_result":"valid"}',
    bot_reason: null,
    created_at: `${DAY}T12:00:00.000Z`,
    ...overrides,
  };
}

function eventRow(overrides: Partial<EventRow> = {}): EventRow {
  return {
    event_type: "scroll_depth",
    event_name: null,
    site_id: SITE,
    session_id: "0f8fad5b-d9cb-469f-a165-70867728950e",
    visitor_id: "c0ffee0123456789",
    path: "/blog/secret-post",
    data: JSON.stringify({ depth: 50, path: "/blog/secret-post", extra: "leak" }),
    engaged_ms: null,
    scroll_pct: null,
    experiment_id: null,
    variant_id: null,
    utm_campaign: null,
    device_type: "mobile",
    referrer: "https://customer.example",
    hour: 12,
    month: 11,
    day_of_week: 5,
    is_returning: 0,
    source: "beacon",
    bot_score: 0,
    bot_score_detail: "{}",
    bot_reason: null,
    created_at: `${DAY}T12:00:00.000Z`,
    ...overrides,
  };
}

const anonymizer = (secret = SECRET) => new Anonymizer(secret, [SITE]);

Deno.test("anonymize: a site not listed passes through untouched (the same row)", () => {
  const a = anonymizer();
  const view = viewRow({ site_id: "normal" });
  const event = eventRow({ site_id: "normal" });
  assert.equal(a.view(view), view);
  assert.equal(a.event(event), event);
  assert.equal(a.reportPath("normal", DAY, "/raw"), "/raw");
  assert.equal(a.visitorId("normal", DAY, "abc"), "abc");
  assert.equal(new Anonymizer(SECRET, []).enabled, false);
});

Deno.test("anonymize: every mapped column changes and the others are kept", () => {
  const row = viewRow();
  const out = anonymizer().view(row);
  const mapped = [
    "visitor_id",
    "session_id",
    "path",
    "device_type",
    "os_name",
    "os_version",
    "browser_name",
    "browser_version",
    "country_code",
    "region",
    "city",
    "referrer",
    "referrer_domain",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_content",
    "utm_term",
  ] as const;
  for (const column of mapped) assert.notEqual(out[column], row[column], column);
  for (const column of Object.keys(row) as (keyof ViewRow)[]) {
    if ((mapped as readonly string[]).includes(column)) continue;
    if (column === "screen_width" || column === "screen_height") continue;
    assert.equal(out[column], row[column], column);
  }
  assert.match(String(out.visitor_id), /^[0-9a-f]{16}$/);
  assert.match(String(out.session_id), UUID_V4);
  assert.equal(out.device_type, "mothership");
  assert.ok(PSEUDO_COUNTRY_CODES.includes(String(out.country_code)));
  assert.deepEqual([out.region, out.city], [null, null], "a pseudo-country has no places");
  assert.ok(
    TERMINAL_RESOLUTIONS.some(([w, h]) => w === out.screen_width && h === out.screen_height),
  );
  assert.match(String(out.browser_version), /^\d{1,3}\.\d$/);
  assert.equal(out.referrer_type, "social", "the coarse referrer type is kept");
  assert.equal(out.referrer, `https://${out.referrer_domain}`);
  assert.match(String(out.referrer_domain), /^[a-z]+-[0-9a-f]{8}\.intranet\.example$/);
  assert.match(String(out.utm_campaign), /^[a-z]+-[0-9a-f]{8}$/);
  const text = JSON.stringify(out);
  for (
    const original of [
      "Windows",
      "Chrome",
      "ycombinator",
      "newsletter",
      "spring-sale",
      "blog",
      "Bavaria",
      "Munich",
    ]
  ) {
    assert.ok(!text.includes(original), original);
  }
});

Deno.test("anonymize: nulls stay null", () => {
  const out = anonymizer().view(viewRow({
    session_id: null,
    screen_width: null,
    screen_height: null,
    device_type: null,
    os_name: null,
    os_version: null,
    browser_name: null,
    browser_version: null,
    country_code: null,
    referrer: null,
    referrer_domain: null,
    referrer_type: "direct_or_unknown",
    utm_source: null,
    utm_medium: null,
    utm_campaign: null,
    utm_content: null,
    utm_term: null,
  }));
  for (
    const column of [
      "session_id",
      "screen_width",
      "screen_height",
      "device_type",
      "os_name",
      "browser_name",
      "country_code",
      "referrer",
      "referrer_domain",
      "utm_campaign",
    ] as const
  ) {
    assert.equal(out[column], null, column);
  }
  assert.equal(out.referrer_type, "direct_or_unknown");
});

Deno.test("anonymize: deterministic within a day, stable across restarts, rotating across days", () => {
  const first = anonymizer().view(viewRow());
  const again = anonymizer().view(viewRow({ created_at: `${DAY}T23:59:59.999Z` }));
  assert.deepEqual({ ...again, created_at: first.created_at }, first);
  const nextDay = anonymizer().view(viewRow({ created_at: "2026-11-21T00:00:00.000Z" }));
  for (const column of ["visitor_id", "session_id", "path", "referrer_domain", "utm_campaign"]) {
    assert.notEqual(nextDay[column as keyof ViewRow], first[column as keyof ViewRow], column);
  }
});

Deno.test("anonymize: another secret gives other mappings", () => {
  const mine = anonymizer().view(viewRow());
  const theirs = anonymizer(new TextEncoder().encode("another secret")).view(viewRow());
  for (const column of ["visitor_id", "session_id", "path", "referrer_domain", "utm_term"]) {
    assert.notEqual(theirs[column as keyof ViewRow], mine[column as keyof ViewRow], column);
  }
});

Deno.test("anonymize: 100k distinct sessions (and 20k visitors) stay distinct, one session one id", () => {
  const m = anonymizer().mappingFor(DAY);
  const sessions = new Set<string>();
  const visitors = new Set<string>();
  const n = 100_000;
  for (let i = 0; i < n; i++) {
    const sid = crypto.randomUUID();
    const mapped = m.sessionId(SITE, sid);
    sessions.add(mapped);
    if (i < 20_000) visitors.add(m.visitorId(SITE, sid.replaceAll("-", "").slice(0, 16)));
    if (i < 100) {
      assert.match(mapped, UUID_V4);
      assert.equal(m.sessionId(SITE, sid), mapped);
    }
  }
  assert.equal(sessions.size, n);
  assert.equal(visitors.size, 20_000);
});

Deno.test("anonymize: paths map per segment, queries keep keys, fragments map too", () => {
  const m = anonymizer().mappingFor(DAY);
  const ab = m.path(SITE, "/a/b").split("/");
  const ac = m.path(SITE, "/a/c").split("/");
  assert.equal(ab.length, 3);
  assert.equal(ab[1], ac[1], "the shared first segment maps alike");
  assert.notEqual(ab[2], ac[2]);
  assert.match(ab[1], /^[a-z]+-[0-9a-f]{8}$/);
  assert.equal(m.path(SITE, "/"), "/");
  assert.equal(m.path(SITE, "/a/b/"), `${ab.join("/")}/`);
  assert.equal(m.path(SITE, "/a/b"), ab.join("/"));
  // Allow-listed keys stay readable; any other key (a search typed into the URL) is mapped.
  const query = m.path(SITE, "/search?q=my%20email%40example.com&page=2&shoes", ["q", "page"]);
  assert.match(query, /^\/[a-z]+-[0-9a-f]{8}\?q=[0-9a-f]{8}&page=[0-9a-f]{8}&key-[0-9a-f]{8}$/);
  assert.ok(!query.includes("example") && !query.includes("shoes"));
  assert.match(m.path(SITE, "/?page=2"), /^\/\?key-[0-9a-f]{8}=[0-9a-f]{8}$/);
  assert.notEqual(m.path(SITE, "/?page=2").split("=")[1], m.path(SITE, "/?size=2").split("=")[1]);
  const hash = m.path(SITE, "/app#/settings/profile");
  assert.match(hash, /^\/[a-z]+-[0-9a-f]{8}#\/[a-z]+-[0-9a-f]{8}\/[a-z]+-[0-9a-f]{8}$/);
  assert.ok(m.path(SITE, `/${"x/".repeat(500)}`).length <= 2048);
  // The bot report's path is the stored path of a view.
  assert.equal(anonymizer().reportPath(SITE, DAY, "/a/b"), ab.join("/"));
});

const SAMPLE_VALUES: Record<string, string> = {
  path: "/blog/secret-post",
  url: "https://files.example.org/report.pdf?token=abc",
  host: "files.example.org",
  value: "Jane",
  experiment_id: "checkout",
  variant_id: "b",
  tag: "a",
};

Deno.test("anonymize: event data keeps only each type's allow-listed keys, path mapped", () => {
  const a = anonymizer();
  const mappedPath = a.mappingFor(DAY).path(SITE, "/blog/secret-post");
  for (const [type, keys] of Object.entries(EVENT_DATA_ALLOWLIST)) {
    const data: Record<string, unknown> = { secret: "leak", text: "Link text", name: "x" };
    for (const key of keys) {
      data[key] = SAMPLE_VALUES[key] ?? 7;
    }
    const out = JSON.parse(
      String(a.event(eventRow({ event_type: type, data: JSON.stringify(data) })).data),
    );
    assert.deepEqual(Object.keys(out).sort(), [...keys].sort(), type);
    assert.equal(out.path, mappedPath, type);
  }
  for (const type of ["custom", "some_ingest_type"]) {
    const row = eventRow({
      event_type: type,
      event_name: type === "custom" ? "signup" : null,
      data: JSON.stringify({ name: "signup", email: "a@b.c", path: "/x" }),
    });
    const out = a.event(row);
    assert.equal(out.data, "{}", type);
    assert.equal(out.event_name, row.event_name, "the event name is kept");
  }
  // Only primitives survive; garbage data is an empty object.
  const nested = a.event(eventRow({ data: JSON.stringify({ depth: { raw: "leak" }, path: 5 }) }));
  assert.equal(nested.data, "{}");
  assert.equal(a.event(eventRow({ data: "not json" })).data, "{}");
});

Deno.test("anonymize: link hosts and URLs map like referrers and paths", () => {
  const a = anonymizer();
  const m = a.mappingFor(DAY);
  const out = JSON.parse(String(
    a.event(eventRow({
      event_type: "outbound",
      data: JSON.stringify({
        url: "https://www.partner.example/deals/42?ref=me#top",
        host: "www.partner.example",
        text: "Our partner",
      }),
    })).data,
  ));
  const host = m.referrer(SITE, "partner.example").domain;
  assert.equal(out.host, host);
  assert.equal(out.url, `https://${host}${m.path(SITE, "/deals/42")}`);
  assert.equal(out.text, undefined);
});

Deno.test("anonymize: form values keep length and character class, deterministically", () => {
  const m = anonymizer().mappingFor(DAY);
  const value = "Jane Doe-42, jane@example.com ÉTÉ ünï 日本 🙂" + "x".repeat(80);
  const out = m.formValue(SITE, value);
  const inChars = Array.from(value);
  const outChars = Array.from(out);
  assert.equal(outChars.length, inChars.length);
  assert.equal(m.formValue(SITE, value), out);
  inChars.forEach((ch, i) => {
    const got = outChars[i];
    if (/\p{Lu}/u.test(ch)) assert.match(got, /[A-Z]/, `${i}`);
    else if (/\p{L}/u.test(ch)) assert.match(got, /[a-z]/, `${i}`);
    else if (/\p{N}/u.test(ch)) assert.match(got, /[0-9]/, `${i}`);
    else if (/[\s,@.-]/.test(ch)) assert.equal(got, ch, `${i}`);
    else assert.equal(got, "*", `${i}`);
  });
  assert.notEqual(out.slice(0, 8), value.slice(0, 8));
  assert.ok(!out.includes("example"));
  assert.equal(m.formValue(SITE, ""), "");
  const row = anonymizer().event(eventRow({
    event_type: "form_blur",
    data: JSON.stringify({ tag: "input", value: "Jane", value_length: 4, field_name: "first" }),
  }));
  const data = JSON.parse(String(row.data));
  assert.equal(data.value, m.formValue(SITE, "Jane"));
  assert.equal(data.value_length, 4);
  assert.equal(data.field_name, "first");
});

Deno.test("anonymize: event columns map like the view's, experiments registered keep ids", () => {
  const a = anonymizer();
  a.setRegisteredExperiments(new Map([[SITE, new Map([["checkout", new Set(["a", "b"])]])]]));
  const view = a.view(viewRow());
  const base = {
    utm_campaign: "spring-sale",
    referrer: "https://www.customer.example/some/page?x=1",
    event_type: "exposure",
  };
  const registered = a.event(eventRow({
    ...base,
    experiment_id: "checkout",
    variant_id: "b",
    data: JSON.stringify({ experiment_id: "checkout", variant_id: "b" }),
  }));
  assert.equal(registered.session_id, view.session_id);
  assert.equal(registered.visitor_id, view.visitor_id);
  assert.equal(registered.utm_campaign, view.utm_campaign);
  assert.equal(registered.device_type, "probe");
  assert.equal(registered.referrer, a.mappingFor(DAY).referrer(SITE, "customer.example").origin);
  assert.equal(registered.experiment_id, "checkout");
  assert.equal(registered.variant_id, "b");
  assert.deepEqual(JSON.parse(String(registered.data)), {
    experiment_id: "checkout",
    variant_id: "b",
  });
  const unknown = a.event(eventRow({
    ...base,
    experiment_id: "hidden-test",
    variant_id: "b",
    data: JSON.stringify({ experiment_id: "hidden-test", variant_id: "b" }),
  }));
  assert.match(String(unknown.experiment_id), /^experiment-[0-9a-f]{8}$/);
  assert.match(String(unknown.variant_id), /^variant-[0-9a-f]{8}$/);
  assert.deepEqual(JSON.parse(String(unknown.data)), {
    experiment_id: unknown.experiment_id,
    variant_id: unknown.variant_id,
  });
  const sameDay = a.event(eventRow({ experiment_id: "hidden-test", variant_id: "b" }));
  assert.equal(sameDay.experiment_id, unknown.experiment_id, "one token all day");
  // A variant the registered experiment does not define is a token too.
  const stray = a.event(eventRow({ experiment_id: "checkout", variant_id: "zzz" }));
  assert.equal(stray.experiment_id, "checkout");
  assert.match(String(stray.variant_id), /^variant-[0-9a-f]{8}$/);
});

Deno.test("anonymize: ingest events get rotating rows but a fixed event-id mapping", () => {
  const a = anonymizer();
  const eventId = "6f1c7a8e-0d5b-4b39-9d55-1f0a2b3c4d5e";
  const today = a.ingestEvents([{ eventId, row: eventRow({ source: "ingest" }) }]);
  const earlier = a.ingestEvents([{
    eventId,
    row: eventRow({ source: "ingest", created_at: "2026-11-18T08:00:00.000Z" }),
  }]);
  assert.match(today[0].eventId, UUID_V4);
  assert.notEqual(today[0].eventId, eventId);
  assert.equal(earlier[0].eventId, today[0].eventId, "a retry on another day is a duplicate");
  assert.notEqual(earlier[0].row.session_id, today[0].row.session_id);
  const normal = [{ eventId, row: eventRow({ site_id: "normal" }) }];
  assert.deepEqual(a.ingestEvents(normal), normal);
});

Deno.test("anonymize: pseudo-countries are two-letter user-assigned codes shown as exoplanets", () => {
  const m = anonymizer().mappingFor(DAY);
  for (const code of ["DE", "FR", "US", "JP", "BR"]) {
    const pseudo = String(m.country(SITE, code));
    assert.match(pseudo, /^(Q[M-Z]|X[A-Z])$/);
    assert.equal(countryName(pseudo), pseudoCountryName(pseudo));
  }
  assert.equal(m.country(SITE, null), null);
  assert.equal(countryName("DE"), "Germany", "real codes keep their names");
  assert.equal(countryName("XK"), "Kosovo");
  for (const code of PSEUDO_COUNTRY_CODES) assert.ok(!["XA", "XB", "XK", "QO"].includes(code));
});

Deno.test("anonymize: a day mapping is a function of its key only", () => {
  const key = hmac(SECRET, "any day key");
  const one = new DayMapping(key);
  const two = new DayMapping(key);
  assert.equal(one.path(SITE, "/x/y"), two.path(SITE, "/x/y"));
  assert.equal(one.browser(SITE, "Firefox"), two.browser(SITE, "Firefox"));
  assert.match(String(one.browser(SITE, "Firefox")), /^[A-Z][a-z]+[a-z]+$/);
  assert.notEqual(one.path("other-site", "/x/y"), one.path(SITE, "/x/y"), "keyed per site");
});

Deno.test("anonymize: ECHELON_ANONYMIZE_SITES is a strict, lower-cased list of site ids", () => {
  assert.deepEqual(
    loadConfig({ ECHELON_ANONYMIZE_SITES: " Demo , shop.example ," })
      .anonymizeSites,
    ["demo", "shop.example"],
  );
  assert.deepEqual(loadConfig({}).anonymizeSites, []);
  assert.throws(
    () => loadConfig({ ECHELON_ANONYMIZE_SITES: "demo,not a site" }),
    (error) => error instanceof ConfigError && error.variable === "ECHELON_ANONYMIZE_SITES",
  );
});
