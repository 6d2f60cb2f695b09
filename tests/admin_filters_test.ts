// The dashboard's filters (lib/admin/filters.ts, components/FilterBar.tsx, routes/admin/index.tsx,
// routes/admin/segments.ts): the `f` syntax and what a bad one shows, every list row as a link
// adding its filter, chips that remove one, the builder form, the bot setting, saved segments
// (save, refuse, apply), filters kept by the selection links, and public mode.
import assert from "node:assert/strict";
import {
  builderFilter,
  dashboardHref,
  parseDashboardFilters,
  withFilter,
  withoutFilter,
} from "../lib/admin/filters.ts";
import { lastDays } from "../lib/admin/period.ts";
import type { SegmentRecord } from "../lib/db/segments.ts";
import { adminGet, adminHtml, adminPost, registerSite } from "./_admin.ts";
import { decode, fixtureAdmin, kpis, ranks } from "./_dashboard_html.ts";
import { D1, D2, SITE } from "./_stats_fixture.ts";

const RANGE = `from=${D1}&to=${D2}`;
const BASE = `/admin?site=${SITE}&${RANGE}`;

const segment = (id: number, site: string, filters: unknown[]): SegmentRecord => ({
  id,
  site_id: site,
  name: `segment ${id}`,
  filters,
  created_at: "2026-11-01T00:00:00.000Z",
});
const SEGMENTS = new Map([
  [1, segment(1, SITE, [["is", "visit:country", ["DE"]], ["contains", "event:page", ["/p"]]])],
  [2, segment(2, "blog", [["is", "visit:country", ["DE"]]])],
]);
const lookup = (id: number) => SEGMENTS.get(id) ?? null;

/** The chips' labels, in order. */
const chips = (html: string) =>
  [...html.matchAll(/<li data-filter="[^"]*"[^>]*><span>([^<]*)<\/span>/g)].map((m) =>
    decode(m[1])
  );
const hrefOf = (html: string, attribute: string) =>
  decode(html.match(new RegExp(`<a [^>]*href="([^"]*)"[^>]*${attribute}`))?.[1] ?? "");
const errorsOf = (html: string) =>
  [...(html.match(/<ul id="filter-errors"[\s\S]*?<\/ul>/)?.[0] ?? "").matchAll(/<li>([^<]*)</g)]
    .map((m) => decode(m[1]));

Deno.test("filters: the f syntax parses into the engine's filter, ANDed", () => {
  const parsed = parseDashboardFilters(
    ["visit:country:is:DE", "event:page:contains:/blog:2026", "event:props:plan:is_not:pro"],
    "show",
    SITE,
    lookup,
  );
  assert.deepEqual(parsed.errors, []);
  assert.equal(parsed.bots, "show");
  assert.deepEqual(parsed.items.map((i) => i.label), [
    "Country is Germany",
    "Page contains /blog:2026",
    "Property plan is not pro",
  ]);
  assert.deepEqual(parsed.filter, {
    op: "and",
    filters: [
      { op: "is", dimension: "visit:country", values: ["DE"] },
      { op: "contains", dimension: "event:page", values: ["/blog:2026"] },
      { op: "is_not", dimension: "event:props:plan", values: ["pro"] },
    ],
  });
  // One filter is itself; a segment is its own filters, ANDed.
  const one = parseDashboardFilters(["segment:is:1"], null, SITE, lookup);
  assert.deepEqual(one.items.map((i) => [i.label, i.json]), [[
    "Segment: segment 1",
    ["and", [["is", "visit:country", ["DE"]], ["contains", "event:page", ["/p"]]]],
  ]]);
  assert.equal(one.bots, "hide");
  assert.deepEqual(parseDashboardFilters([], null, SITE, lookup).filter, null);
});

Deno.test("filters: what does not parse is dropped with the reason, the rest applies", () => {
  const parsed = parseDashboardFilters(
    [
      "visit:contry:is:DE",
      "visit:country:equals:DE",
      "country-DE",
      "time:day:is:2026-11-19",
      "event:page:matches:(a+)+",
      "segment:is:2",
      "segment:is:99",
      "segment:contains:1",
      "visit:device:is:mobile",
    ],
    "everything",
    SITE,
    lookup,
  );
  assert.deepEqual(parsed.errors, [
    'Filter "visit:contry:is:DE" ignored: "visit:contry" is not a dimension.',
    'Filter "visit:country:equals:DE" ignored: "equals" is not an operator (is, is_not, ' +
    "contains, contains_not, matches, matches_not).",
    'Filter "country-DE" ignored: expected <dimension>:<operator>:<value>, e.g. ' +
    "visit:country:is:DE.",
    'Filter "time:day:is:2026-11-19" ignored: filter time with date_range.',
    'Filter "event:page:matches:(a+)+" ignored: "(a+)+" uses backreferences, lookaround or a ' +
    "quantified group.",
    'Filter "segment:is:2" ignored: no segment 2 of shop.',
    'Filter "segment:is:99" ignored: no segment 99 of shop.',
    'Filter "segment:contains:1" ignored: a segment takes is (segment:is:<id>).',
    'Bots "everything" ignored: expected hide, show, only.',
  ]);
  assert.equal(parsed.bots, "hide");
  assert.deepEqual(parsed.filter, { op: "is", dimension: "visit:device", values: ["mobile"] });
});

Deno.test("filters: adding replaces the same dimension and operator, removing drops one", () => {
  const current = ["visit:country:is:FR", "event:page:contains:/blog"];
  assert.deepEqual(withFilter(current, "visit:country:is:DE"), [
    "event:page:contains:/blog",
    "visit:country:is:DE",
  ]);
  assert.deepEqual(withFilter(current, "visit:country:is_not:DE"), [
    ...current,
    "visit:country:is_not:DE",
  ]);
  assert.deepEqual(withoutFilter(current, "visit:country:is:FR"), ["event:page:contains:/blog"]);
  assert.equal(builderFilter(new URLSearchParams("site=shop")), null);
  assert.deepEqual(builderFilter(new URLSearchParams("fd=visit:os&fo=is&fv=+iOS+")), {
    raw: "visit:os:is:iOS",
  });
  assert.deepEqual(builderFilter(new URLSearchParams("fd=visit:os&fo=is&fv=")), {
    error: "Filter not added: enter a value to filter by.",
  });
  // Links read as the syntax: ":" and "/" are not escaped, anything else is.
  const selection = { site: SITE, period: lastDays(7, Date.parse(`${D2}T12:00:00Z`)) };
  assert.equal(
    dashboardHref(selection, ["event:page:is:/a b&c", "visit:country:is:DE"], "only"),
    "/admin?site=shop&days=7&f=event:page:is:/a+b%26c&f=visit:country:is:DE&bots=only",
  );
});

Deno.test("dashboard: every list row is a link adding its filter; a bad filter is a notice", async () => {
  const app = await fixtureAdmin();
  const { status, html } = await adminHtml(app, BASE);
  assert.equal(status, 200);
  assert.match(html, /id="no-filters"/);
  const link = (table: string, label: string) => {
    const body = html.match(new RegExp(`<table id="${table}"[\\s\\S]*?</table>`))?.[0] ?? "";
    const row = body.split("<tr ").find((r) => r.startsWith(`data-rank="${label}"`)) ?? "";
    return decode(
      row.match(/<a class="hover:underline" href="([^"]*)" data-filter-link/)?.[1] ?? "",
    );
  };
  const expected: [string, string, string][] = [
    ["top-pages-table", "/pricing", "event:page:is:/pricing"],
    ["entry-pages", "/", "visit:entry_page:is:/"],
    ["exit-pages", "/signup", "visit:exit_page:is:/signup"],
    ["referrer-domains", "google.com", "visit:referrer_domain:is:google.com"],
    ["referrer-types", "search", "visit:referrer_type:is:search"],
    ["utm-sources", "twitter", "visit:utm_source:is:twitter"],
    ["utm-mediums", "social", "visit:utm_medium:is:social"],
    ["utm-campaigns", "launch", "visit:utm_campaign:is:launch"],
    ["countries-table", "DE", "visit:country:is:DE"],
    ["devices-table", "mobile", "visit:device:is:mobile"],
    ["os-table", "iOS", "visit:os:is:iOS"],
    ["browsers-table", "Safari", "visit:browser:is:Safari"],
    ["screen-classes-table", "xs", "visit:screen:is:xs"],
    ["custom-events-table", "signup", "event:name:is:signup"],
  ];
  for (const [table, label, filter] of expected) {
    assert.equal(link(table, label), `${BASE}&f=${filter}`, `${table} ${label}`);
  }

  const bad = await adminHtml(app, `${BASE}&f=visit:contry:is:DE&bots=all`);
  assert.equal(bad.status, 200);
  assert.deepEqual(errorsOf(bad.html), [
    'Filter "visit:contry:is:DE" ignored: "visit:contry" is not a dimension.',
    'Bots "all" ignored: expected hide, show, only.',
  ]);
  // Nothing applied: the unfiltered figures.
  assert.deepEqual(kpis(bad.html), kpis(html));
  assert.deepEqual(chips(bad.html), []);
});

Deno.test("dashboard: the builder adds its filter to the URL; an empty value is a notice", async () => {
  const app = await fixtureAdmin();
  const res = await app.request(
    `${BASE}&f=visit:country:is:DE&fd=visit%3Adevice&fo=is_not&fv=mobile`,
    { headers: { cookie: app.cookie, accept: "text/html" } },
  );
  assert.equal(res.status, 303);
  assert.equal(
    res.headers.get("location"),
    `${BASE}&f=visit:country:is:DE&f=visit:device:is_not:mobile`,
  );
  const empty = await adminHtml(app, `${BASE}&fd=visit%3Adevice&fo=is&fv=`);
  assert.equal(empty.status, 200);
  assert.deepEqual(errorsOf(empty.html), ["Filter not added: enter a value to filter by."]);
  // The builder offers the registry's dimensions but not time buckets.
  const select = empty.html.match(/<select name="fd"[\s\S]*?<\/select>/)?.[0] ?? "";
  assert.match(select, /value="visit:country">Country</);
  assert.match(select, /value="event:page">Page</);
  assert.doesNotMatch(select, /time:day/);
});

Deno.test("dashboard: filters are kept by the period links and the navigation", async () => {
  const app = await fixtureAdmin();
  const { html } = await adminHtml(app, `${BASE}&f=visit:country:is:DE&bots=show`);
  // (Links other than the dashboard's own escape ":" and "/", which means the same.)
  const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((m) => decodeURIComponent(decode(m[1])));
  assert.ok(hrefs.includes(`/admin?site=${SITE}&days=7&f=visit:country:is:DE&bots=show`), "period");
  assert.ok(
    hrefs.includes(`/admin/realtime?site=${SITE}&${RANGE}&f=visit:country:is:DE`),
    "navigation",
  );
  // The custom range form carries them too.
  const range = html.match(/<form[^>]*id="range-form"[\s\S]*?<\/form>/)?.[0] ?? "";
  assert.match(range, /name="f" value="visit:country:is:DE"/);
  // "All sites" has no filtered view: it says to pick a site, and shows the sites' totals.
  registerSite(app, "blog");
  const all = await adminHtml(app, `/admin?${RANGE}&f=visit:country:is:DE`);
  assert.equal(all.status, 200);
  assert.match(all.html, /id="filters-need-site"/);
  assert.match(all.html, /id="sites-table"/);
});

Deno.test("segments: save the filters under a name, list, apply; refusals store nothing", async () => {
  const app = await fixtureAdmin();
  const back = `${BASE}&f=visit:country:is:DE`;
  const save = (form: Record<string, string | string[]>) => {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(form)) for (const x of [v].flat()) body.append(k, x);
    return adminPost(app, "/admin/segments", body);
  };
  const stored = () =>
    app.services.db.all<{ id: number; site_id: string; name: string; filters: string }>(
      "SELECT id, site_id, name, filters FROM segments ORDER BY id",
    ).map((r) => ({ ...r }));
  const saved = await save({
    site: SITE,
    name: " Germans ",
    f: ["visit:country:is:DE", "event:page:contains:/"],
    return_to: back,
  });
  assert.equal(saved.status, 303);
  const location = (res: Response) => decodeURIComponent(res.headers.get("location") ?? "");
  assert.equal(location(saved), `${back}&notice=segment_saved`);
  assert.deepEqual(stored(), [{
    id: 1,
    site_id: SITE,
    name: "Germans",
    filters: '[["is","visit:country",["DE"]],["contains","event:page",["/"]]]',
  }]);

  for (
    const [form, notice] of [
      [{ site: SITE, name: "Germans", f: "visit:country:is:DE" }, "segment_exists"],
      [{ site: SITE, name: "", f: "visit:country:is:DE" }, "segment_invalid"],
      [{ site: SITE, name: "x".repeat(101), f: "visit:country:is:DE" }, "segment_invalid"],
      [{ site: SITE, name: "none" }, "segment_invalid"],
      [{ site: SITE, name: "bad", f: "visit:contry:is:DE" }, "segment_invalid"],
      [{ site: "nosuchsite", name: "x", f: "visit:country:is:DE" }, "segment_invalid"],
    ] as const
  ) {
    const res = await save({ ...form, return_to: back });
    assert.equal(location(res), `${back}&notice=${notice}`, JSON.stringify(form));
  }
  assert.equal(stored().length, 1);
  const shown = await adminHtml(app, `${back}&notice=segment_exists`);
  assert.match(shown.html, /this site already has a segment of that name/);

  // Listed, and applied in a click: the segment's chip, the same figures as its filters.
  const { html } = await adminHtml(app, BASE);
  const apply = hrefOf(html, 'data-segment="1"');
  assert.equal(apply, `${BASE}&f=segment:is:1`);
  const applied = await adminHtml(app, apply);
  assert.deepEqual(chips(applied.html), ["Segment: Germans"]);
  const direct = await adminHtml(app, `${BASE}&f=visit:country:is:DE&f=event:page:contains:/`);
  assert.deepEqual(kpis(applied.html), kpis(direct.html));
  assert.deepEqual(ranks(applied.html, "countries-table"), ["DE"]);
});

Deno.test("public mode: filters apply, segments are neither listed, applied nor saved", async () => {
  const app = await fixtureAdmin({ ECHELON_PUBLIC_MODE: "true" });
  app.services.db.run(
    "INSERT INTO segments (site_id, name, filters) VALUES (?, ?, ?)",
    SITE,
    "secret label",
    '[["is","visit:country",["DE"]]]',
  );
  const { status, html } = await adminHtml(app, `${BASE}&f=segment:is:1&f=visit:country:is:GB`);
  assert.equal(status, 200);
  assert.doesNotMatch(html, /secret label|id="segments"|id="segment-save"/);
  assert.deepEqual(errorsOf(html), ['Filter "segment:is:1" ignored: no segment 1 of shop.']);
  assert.deepEqual(chips(html), ["Country is United Kingdom"]);
  assert.deepEqual(ranks(html, "countries-table"), ["GB"]);
  const res = await adminPost(app, "/admin/segments", {
    site: SITE,
    name: "x",
    f: "visit:country:is:DE",
  });
  assert.equal(res.status, 403);
  await res.body?.cancel();
  assert.equal(app.services.db.get<{ n: number }>("SELECT COUNT(*) AS n FROM segments")?.n, 1);
});

Deno.test("dashboard: a filter narrows cards, trend and lists to the stored rows; chips; bots", async () => {
  const app = await fixtureAdmin();
  const db = app.services.db;
  const inRange = `site_id = '${SITE}' AND created_at >= '${D1}T00:00:00.000Z' AND ` +
    `created_at < '2026-11-21T00:00:00.000Z'`;
  const count = (sql: string) => db.get<{ n: number }>(sql)!.n;
  /** Page views, visitors (per day, summed) and sessions of the stored rows matching `where`. */
  const figures = (where: string) => ({
    visits: count(`SELECT COUNT(*) AS n FROM visitor_views WHERE ${inRange} AND ${where}`),
    unique_visitors: count(
      `SELECT COUNT(*) AS n FROM (SELECT DISTINCT substr(created_at, 1, 10), visitor_id
       FROM visitor_views WHERE ${inRange} AND ${where})`,
    ),
    sessions: count(
      `SELECT COUNT(DISTINCT COALESCE(session_id, visitor_id)) AS n FROM visitor_views
       WHERE ${inRange} AND ${where}`,
    ),
  });
  const shown = (html: string) => {
    const k = kpis(html);
    return {
      visits: Number(k.visits.value),
      unique_visitors: Number(k.unique_visitors.value),
      sessions: Number(k.sessions.value),
    };
  };
  const url = `${BASE}&f=visit:country:is:DE`;
  const { status, html } = await adminHtml(app, url);
  assert.equal(status, 200);
  const de = figures("country_code = 'DE' AND bot_score < 50");
  assert.ok(de.visits > 0 && de.visits < figures("bot_score < 50").visits);
  assert.deepEqual(shown(html), de);
  assert.deepEqual(ranks(html, "countries-table"), ["DE"]);
  // The trend's points (hours: the range is two days) add up to the card.
  const days = [...html.matchAll(/<tr data-date="[^"]*" data-views="(\d+)"/g)]
    .map((m) => Number(m[1]));
  assert.ok(days.length > 0);
  assert.equal(days.reduce((a, b) => a + b, 0), de.visits);
  // The chip, and its × back to the unfiltered dashboard.
  assert.deepEqual(chips(html), ["Country is Germany"]);
  assert.equal(hrefOf(html, 'data-remove-filter="visit:country:is:DE"'), BASE);
  // The download holds the same filters.
  assert.equal(
    hrefOf(html, 'data-export="overview"'),
    `/api/export/overview.csv?site_id=shop&from=${D1}&to=${D2}&filters=` +
      encodeURIComponent('[["is","visit:country",["DE"]]]'),
  );
  const csv = await (await adminGet(app, hrefOf(html, 'data-export="overview"'))).text();
  assert.match(csv, new RegExp(`\r\npageviews,${de.visits},`));
  // The rollup-only parts follow a filter the overview's own filters can say (a country)…
  assert.doesNotMatch(html, /id="not-narrowed"/);
  assert.match(html, /id="proof"/);
  // …and are left out, said in a notice, under one they cannot (a browser, bots shown).
  const other = await adminHtml(app, `${BASE}&f=visit:browser:is:Safari`);
  assert.equal(
    decode(other.html.match(/<span id="not-narrowed">([\s\S]*?)<\/span>/)?.[1] ?? ""),
    "Not computed under these filters yet, so left out: proof-of-work and bot figures, regions " +
      "and cities, screen sizes, outbound links and downloads, events, scroll depth, web vitals.",
  );
  for (
    const id of ["proof", "outbound", "downloads", "events", "scroll-depth", "resolutions-table"]
  ) {
    assert.doesNotMatch(other.html, new RegExp(`id="${id}"`), id);
  }
  assert.match(other.html, /id="countries-table"/);

  // Bots: shown with the humans, or alone.
  const all = await adminHtml(app, `${url}&bots=show`);
  assert.deepEqual(shown(all.html), figures("country_code = 'DE'"));
  const only = await adminHtml(app, `${BASE}&bots=only`);
  assert.deepEqual(shown(only.html), figures("bot_score >= 50"));
  assert.match(only.html, /aria-current="true"[^>]*>Bots only</);
  assert.deepEqual(chips(only.html), []);
});
