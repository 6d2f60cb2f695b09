// The dashboard's lists come from the dimension registry (lib/query/dimensions.ts `dashboard`,
// lib/admin/dashboard_lists.ts, components/DashboardCards.tsx): every registry list is drawn in its
// card with its rows as the overview API lists them, each row a link adding its dimension's
// filter; every table of the cards is declared; a list added to the registry is drawn with its
// links without any page code; rows that are no dimension's value are not links.
import assert from "node:assert/strict";
import { renderToString } from "preact-render-to-string";
import { DashboardCards } from "../components/DashboardCards.tsx";
import { DASHBOARD_CARDS, dashboardCards, type Listed } from "../lib/admin/dashboard_lists.ts";
import { OVERVIEW_DIMENSIONS } from "../lib/query/dimensions.ts";
import type { Overview } from "../lib/stats/overview.ts";
import { adminHtml } from "./_admin.ts";
import { decode, fixtureAdmin, ranks } from "./_dashboard_html.ts";
import { D1, D2, SITE } from "./_stats_fixture.ts";

const RANGE = `from=${D1}&to=${D2}`;
const BASE = `/admin?site=${SITE}&${RANGE}`;

/** The HTML of the card section `id`. */
const cardOf = (html: string, id: string) =>
  html.match(new RegExp(`<section id="${id}"[\\s\\S]*?</section>`))?.[0] ?? "";

/** Each row of table `id`: its label and its filter link (null when not a link). */
function links(html: string, id: string): [string, string | null][] {
  const table = html.match(new RegExp(`<table id="${id}"[\\s\\S]*?</table>`))?.[0] ?? "";
  const rows = table.split("<tr ").filter((r) => r.startsWith("data-rank="));
  return rows.map((row): [string, string | null] => {
    const href = row.match(/<a class="hover:underline" href="([^"]*)" data-filter-link/)?.[1];
    return [
      decode(row.match(/^data-rank="([^"]*)"/)![1]),
      href === undefined ? null : decode(href),
    ];
  });
}

Deno.test("dashboard lists: every registry list is drawn in its card, each row its filter", async () => {
  const app = await fixtureAdmin();
  const { status, html } = await adminHtml(app, BASE);
  assert.equal(status, 200);
  const res = await app.request(`/api/stats/overview?site_id=${SITE}&${RANGE}&limit=10`, {
    headers: { cookie: app.cookie },
  });
  assert.equal(res.status, 200);
  const api = await res.json();
  let withRows = 0;
  for (const d of OVERVIEW_DIMENSIONS) {
    const { key, field, dashboard } = d.overview;
    const card = cardOf(html, dashboard.card);
    assert.match(card, new RegExp(`<table id="${dashboard.table}"`), `${key} in ${dashboard.card}`);
    const table = card.match(new RegExp(`<table id="${dashboard.table}"[\\s\\S]*?</table>`))![0];
    assert.match(table, new RegExp(`<th scope="col"[^>]*>${dashboard.column}</th>`), key);
    // The rows the overview lists, in its order.
    const values = (api[key] as Record<string, string>[]).map((r) => String(r[field]));
    assert.deepEqual(ranks(html, dashboard.table), values, key);
    if (values.length === 0) {
      assert.match(table, new RegExp(dashboard.empty.replace(".", "\\.")), `${key}: empty text`);
      continue;
    }
    withRows++;
    for (const [label, href] of links(html, dashboard.table)) {
      assert.equal(href, `${BASE}&f=${d.key}:is:${label}`, `${key} ${label}`);
    }
  }
  assert.ok(withRows >= 10, `most registry lists have rows in the fixture (${withRows})`);
});

Deno.test("dashboard lists: every table of the cards is declared; non-dimension rows are not links", async () => {
  const app = await fixtureAdmin();
  const { html } = await adminHtml(app, BASE);
  // The lists' cards, up to the Goals card (drawn from the site's goals, not from the lists:
  // tests/goals_admin_test.ts).
  const grid = html.slice(
    html.indexOf('<section id="top-pages"'),
    html.indexOf('<section id="goals"'),
  );
  const drawn = [...grid.matchAll(/<table id="([^"]+)"/g)].map((m) => m[1]);
  const cards = [...grid.matchAll(/<section id="([^"]+)"/g)].map((m) => m[1]);
  const declared = DASHBOARD_CARDS.filter((c) => cards.includes(c.id));
  assert.deepEqual(cards, declared.map((c) => c.id), "cards in the declared order");
  assert.deepEqual(drawn, declared.flatMap((c) => c.lists.map((l) => l.table)));
  // Regions and cities are left out without a city geo database; every other card is drawn.
  assert.deepEqual(
    DASHBOARD_CARDS.filter((c) => !cards.includes(c.id)).map((c) => c.id),
    ["regions", "cities"],
  );

  const resolutions = links(html, "resolutions-table");
  assert.ok(resolutions.length > 0);
  assert.ok(resolutions.every(([, href]) => href === null), "a resolution is no dimension's value");
  const types = links(html, "event-types-table");
  assert.ok(types.some(([label]) => label === "custom"), "the fixture has custom events");
  assert.ok(types.some(([label]) => label !== "custom"), "and other types");
  for (const [label, href] of types) {
    assert.equal(
      href,
      label === "custom" ? null : `${BASE}&f=event:name:is:${label}`,
      `event type ${label}`,
    );
  }
});

Deno.test("dashboard lists: a list added to the registry is drawn in its card with its links", () => {
  const language: Listed = {
    key: "visit:language",
    label: "Language",
    csvHeader: "language",
    from: { kind: "field", field: "browser" },
    level: "session",
    empty: "unknown",
    overview: {
      key: "languages",
      title: "Languages",
      field: "language",
      rows: "views",
      length: "top",
      dashboard: {
        card: "devices",
        table: "languages-table",
        heading: "Language",
        column: "Language",
        empty: "No page views.",
      },
    },
  };
  const cards = dashboardCards([...OVERVIEW_DIMENSIONS, language]);
  const devices = cards.find((c) => c.id === "devices")!;
  assert.deepEqual(devices.lists.map((l) => l.table), [
    "devices-table",
    "os-table",
    "languages-table",
  ]);
  const overview = {
    devices: [],
    os_systems: [],
    languages: [{ language: "de", views: 3, visitors: 2 }],
  } as unknown as Overview;
  const html = renderToString(
    DashboardCards({
      cards: [devices],
      overview,
      shows: () => true,
      filterHref: (dimension, value) => `/admin?f=${dimension}:is:${value}`,
      countryMap: { unavailable: "none" },
    }),
  );
  assert.deepEqual(links(html, "languages-table"), [["de", "/admin?f=visit:language:is:de"]]);
  assert.match(html, /<h3[^>]*>Language<\/h3>/);

  // A list naming no card would not be shown: an error, not a silent omission.
  const lost = { ...language, overview: { ...language.overview } };
  lost.overview.dashboard = { ...language.overview.dashboard, card: "nowhere" };
  assert.throws(() => dashboardCards([lost]), /visit:language: no dashboard card "nowhere"/);
});
