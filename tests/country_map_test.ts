// The dashboard's country map (components/CountryMap.tsx, lib/admin/country_map.ts): on the
// dashboard, countries with stored visitors are shaded and linked with their figure in a <title>,
// checked against the stored rows; countries the map cannot draw (unknown, pseudonyms, bad codes)
// are listed beside it; the legend's steps cover every figure; and the committed geometry is what
// scripts/country_map_paths.ts generates.
import assert from "node:assert/strict";
import { renderToString } from "preact-render-to-string";
import { CountryMap } from "../components/CountryMap.tsx";
import { countryMapModel, legendSteps, shadeOf } from "../lib/admin/country_map.ts";
import { COUNTRY_PATHS } from "../lib/admin/country_map_paths.ts";
import { insertViews } from "../lib/db/collect.ts";
import { refreshRollups } from "../lib/stats/mod.ts";
import { countryMapSource, OUTPUT } from "../scripts/country_map_paths.ts";
import { adminApp, adminHtml, registerSite } from "./_admin.ts";
import { D1, D2, SITE, view } from "./_stats_fixture.ts";

const decode = (s: string) =>
  s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");

interface MapLink {
  code: string;
  href: string;
  visitors: number;
  shade: number;
  title: string;
}

/** The linked countries of the map in `html`: code, link, figure, shade and tooltip. */
function mapLinks(html: string): MapLink[] {
  const svg = html.match(/<figure id="country-map"[\s\S]*?<\/svg>/)?.[0] ?? "";
  return [
    ...svg.matchAll(
      /<a href="([^"]*)" data-country="([A-Z]{2})" data-visitors="(\d+)" data-shade="(\d)"[^>]*><path[^>]*><title>([^<]*)<\/title>/g,
    ),
  ].map(([, href, code, visitors, shade, title]) => ({
    code,
    href: decode(href),
    visitors: Number(visitors),
    shade: Number(shade),
    title: decode(title),
  }));
}

Deno.test("country map: stored visitors per country shaded, linked and titled on the dashboard", async () => {
  const app = await adminApp();
  registerSite(app, SITE, "The Shop");
  const at = (day: string, hour: number) => `${day}T${String(hour).padStart(2, "0")}:00:00.000Z`;
  // DE: 4 visitors (one twice), FR 1, SG (a dot: too small at 1:110m) 1, no country 1, and a bot
  // in DE that the default bot setting does not count.
  insertViews(app.services.db, [
    ...["a", "b", "c", "d"].map((id, i) =>
      view({ visitor_id: id, session_id: `s${id}`, country_code: "DE", created_at: at(D1, i) })
    ),
    view({ visitor_id: "a", session_id: "sa", country_code: "DE", created_at: at(D1, 5) }),
    view({ visitor_id: "e", session_id: "se", country_code: "FR", created_at: at(D2, 1) }),
    view({ visitor_id: "f", session_id: "sf", country_code: "SG", created_at: at(D2, 2) }),
    view({ visitor_id: "g", session_id: "sg", country_code: null, created_at: at(D2, 3) }),
    view({
      visitor_id: "bot",
      session_id: "sbot",
      country_code: "DE",
      bot_score: 90,
      created_at: at(D2, 4),
    }),
  ]);
  // What the stored rows say: distinct visitor ids per country among rows under the bot threshold.
  const stored = app.services.db.all<{ country_code: string; visitors: number }>(
    `SELECT country_code, COUNT(DISTINCT visitor_id) AS visitors FROM visitor_views
     WHERE site_id = ? AND bot_score < 50 AND country_code IS NOT NULL GROUP BY country_code`,
    SITE,
  );
  const { status, html } = await adminHtml(app, `/admin?site=${SITE}&from=${D1}&to=${D2}`);
  assert.equal(status, 200);
  const links = mapLinks(html);
  assert.deepEqual(
    links.map((l) => [l.code, l.visitors]).sort(),
    stored.map((r) => [r.country_code, r.visitors]).sort(),
  );
  const de = links.find((l) => l.code === "DE")!;
  assert.equal(de.title, "Germany: 4 visitors");
  assert.equal(de.shade, 5);
  assert.equal(de.href, `/admin?site=${SITE}&from=${D1}&to=${D2}&f=visit:country:is:DE`);
  const fr = links.find((l) => l.code === "FR")!;
  assert.equal(fr.title, "France: 1 visitor");
  assert.equal(fr.shade, shadeOf(1, 4)); // √(1/4)·5 = 2.5 → 3
  assert.equal(fr.shade, 3);
  assert.equal(links.find((l) => l.code === "SG")?.title, "Singapore: 1 visitor");
  // A country without visitors is drawn, titled, and not a link.
  assert.match(html, /<path d="[^"]+"><title>Japan: no visitors</);
  assert.doesNotMatch(html, /data-country="JP"/);
  // The visitor without a country is not on the map, and said so.
  assert.match(html, /id="country-map-off-map">Not on the map: Unknown \(1\)</);
  // Screen readers get one image with a summary; the table stays.
  assert.match(
    html,
    /<svg viewBox="0 0 960 \d+" class="h-auto w-full" role="img" aria-label="World map of visitors by country: Germany 4 visitors, France 1 visitor, Singapore 1 visitor\."/,
  );
  assert.match(html, /<table id="countries-table"/);
  // The legend's steps for a busiest country of 4: ceil(5·√(v/4)) is 3, 4, 5, 5 for v = 1…4.
  const legend = html.match(/<ol[^>]*id="country-map-legend"[\s\S]*?<\/ol>/)?.[0] ?? "";
  assert.deepEqual(
    [...legend.matchAll(/<li class="[^"]*" data-shade="(\d)">[\s\S]*?<span>([^<]*)<\/span>/g)]
      .map((m) => [Number(m[1]), decode(m[2])]),
    [[3, "1"], [4, "2"], [5, "3–4"]],
  );
});

Deno.test("country map: no visitors draws every country unshaded, without links", async () => {
  const app = await adminApp();
  registerSite(app, SITE);
  const { status, html } = await adminHtml(app, `/admin?site=${SITE}&from=${D1}&to=${D2}`);
  assert.equal(status, 200);
  assert.deepEqual(mapLinks(html), []);
  assert.match(html, /aria-label="World map: no visitors in this period\."/);
  assert.doesNotMatch(html, /id="country-map-legend"/);
});

Deno.test("country map: a refused read leaves the dashboard whole, without the map", async () => {
  // Public mode allows one heavy read a minute here; the map's engine read is the page's only one.
  const app = await adminApp({ ECHELON_PUBLIC_MODE: "true", ECHELON_PUBLIC_READ_RATE: "1" });
  registerSite(app, SITE);
  insertViews(app.services.db, [
    view({ visitor_id: "a", country_code: "DE", created_at: `${D1}T10:00:00.000Z` }),
  ]);
  await refreshRollups(app.services);
  // Three days or more: the trend is by day, from the rollups (a shorter period's hourly trend
  // would be the page's first heavy read).
  const from = new Date(Date.parse(D1) - 5 * 86_400_000).toISOString().slice(0, 10);
  const path = `/admin?site=${SITE}&from=${from}&to=${D2}`;
  const first = await adminHtml(app, path);
  assert.equal(first.status, 200);
  assert.deepEqual(mapLinks(first.html).map((l) => [l.code, l.visitors]), [["DE", 1]]);
  const second = await adminHtml(app, path);
  assert.equal(second.status, 200);
  assert.deepEqual(mapLinks(second.html), []);
  assert.match(
    second.html,
    /id="country-map-unavailable"[^>]*>No map this time: At most 1 expensive reads/,
  );
  assert.match(second.html, /<table id="countries-table"[\s\S]*?data-rank="DE"/);
});

Deno.test("dashboard: a short period's hourly trend refused falls back to days, the page stays", async () => {
  const app = await adminApp({ ECHELON_PUBLIC_MODE: "true", ECHELON_PUBLIC_READ_RATE: "1" });
  registerSite(app, SITE);
  insertViews(app.services.db, [
    view({ visitor_id: "a", country_code: "DE", created_at: `${D1}T10:00:00.000Z` }),
  ]);
  await refreshRollups(app.services);
  // Two days: drawn by the hour through the engine, one heavy read, the only one allowed.
  const path = `/admin?site=${SITE}&from=${D1}&to=${D2}`;
  const first = await adminHtml(app, path);
  assert.equal(first.status, 200);
  assert.match(first.html, /data-date="[0-9-]+ 10:00" data-views="1"/);
  const second = await adminHtml(app, path);
  assert.equal(second.status, 200, "the refused reads (trend, map) leave the page whole");
  assert.match(second.html, new RegExp(`data-date="${D1}" data-views="1"`));
  assert.match(second.html, /id="country-map-unavailable"/);
  // "All sites" (two of them) draws the sites' hours through the same read, refused now too:
  // days instead.
  registerSite(app, "blog");
  const all = await adminHtml(app, `/admin?from=${D1}&to=${D2}`);
  assert.equal(all.status, 200, "the refused hourly read leaves the all-sites page whole");
  assert.match(all.html, new RegExp(`data-date="${D1}" data-views="1"`));
});

Deno.test("country map: unknown, lower-case, pseudonymous and hostile codes do not break it", () => {
  const model = countryMapModel([
    { code: "us", visitors: 9 },
    { code: "unknown", visitors: 2 },
    { code: "ZZ", visitors: 1 },
    { code: "__proto__", visitors: 1 },
    { code: "constructor", visitors: 1 },
    { code: "<script>", visitors: 1 },
    { code: "XX", visitors: 0 },
  ]);
  const us = model.countries.find((c) => c.code === "US")!;
  assert.deepEqual([us.visitors, us.shade], [9, 5]);
  assert.equal(model.countries.filter((c) => c.visitors > 0).length, 1);
  assert.deepEqual(model.offMap.map((c) => [c.code, c.visitors]), [
    ["unknown", 2],
    ["ZZ", 1],
    ["__proto__", 1],
    ["constructor", 1],
    ["<script>", 1],
  ]);
  const html = renderToString(CountryMap({ map: model, href: (code) => `/x?country=${code}` }));
  assert.match(html, /<a href="\/x\?country=US" data-country="US" data-visitors="9"/);
  const offMap = html.match(/id="country-map-off-map">([^<]*)</)?.[1];
  assert.equal(
    offMap && decode(offMap),
    "Not on the map: Unknown (2), Unknown Region (1), __proto__ (1), constructor (1), <script> (1)",
  );
  assert.doesNotMatch(html, /<script>/);
});

Deno.test("country map: the legend's steps meet end to end and match each figure's shade", () => {
  for (const max of [1, 2, 3, 7, 25, 100, 999, 123_457]) {
    const steps = legendSteps(max);
    assert.equal(steps[0].from, 1, `max ${max}`);
    assert.equal(steps.at(-1)!.to, max, `max ${max}`);
    for (let i = 1; i < steps.length; i++) assert.equal(steps[i].from, steps[i - 1].to + 1);
    for (const step of steps) {
      assert.equal(shadeOf(step.from, max), step.shade, `max ${max} from ${step.from}`);
      assert.equal(shadeOf(step.to, max), step.shade, `max ${max} to ${step.to}`);
    }
  }
});

Deno.test("country map: the committed geometry is what scripts/country_map_paths.ts writes", async () => {
  assert.equal(await Deno.readTextFile(OUTPUT), await countryMapSource());
  // Every country of Natural Earth 1:110m plus the dots of the small ones, no Antarctica.
  assert.ok(Object.keys(COUNTRY_PATHS).length >= 230);
  assert.ok(!("AQ" in COUNTRY_PATHS));
  for (const code of ["DE", "US", "BR", "IN", "XK", "SG", "MT", "HK"]) {
    assert.ok(code in COUNTRY_PATHS, code);
  }
});
