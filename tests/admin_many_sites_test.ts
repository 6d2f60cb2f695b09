// The admin with 100,000 registered sites (issue 13, item 4): every page stays small (the site
// selector offers a bounded choice, lists are paged), and any site is found by search or paging,
// in the pages, GET /api/sites and on the dashboard.
import assert from "node:assert/strict";
import { adminApp, adminHtml, type AdminTestApp, rowValues } from "./_admin.ts";
import { ADMIN_NAV } from "../lib/admin/nav.ts";
import { SITE_CHOICES } from "../lib/admin/frame.ts";
import { TEST_SECRET } from "./_helpers.ts";

const SITES = 100_000;
/** What a page may weigh with 100k sites (the dashboard is ~60 KB; 4.9 MB before the fix). */
const MAX_PAGE_BYTES = 200_000;
const SECRET = TEST_SECRET;

let shared: Promise<AdminTestApp> | null = null;

/** One app for the file: 100,000 sites inserted directly, plus one the admin named. */
function manySites(): Promise<AdminTestApp> {
  shared ??= (async () => {
    const app = await adminApp({ ECHELON_SECRET: SECRET });
    app.services.db.run(
      `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?)
       INSERT INTO sites (site_id, source) SELECT printf('site-%06d', i), 'auto' FROM n`,
      SITES,
    );
    app.services.db.run(
      "INSERT INTO sites (site_id, name, source) VALUES ('zz-shop', 'The Shop', 'admin')",
    );
    return app;
  })();
  return shared;
}

const unescape = (html: string) => html.replace(/&amp;/g, "&");

Deno.test("100k sites: every admin page and GET /api/sites stays under 200 KB", async () => {
  const app = await manySites();
  const pages = [
    ...ADMIN_NAV.map((item) => item.href),
    "/admin?site=site-077777",
    "/admin/realtime?site=site-077777",
    "/admin/experiments/new",
    "/admin/sites/site-077777",
    "/admin/sites?q=site-0",
  ];
  for (const path of pages) {
    const { status, html } = await adminHtml(app, path);
    assert.equal(status, 200, path);
    const bytes = new TextEncoder().encode(html).length;
    assert.ok(bytes < MAX_PAGE_BYTES, `${path}: ${bytes} bytes`);
  }
  const api = await app.request("/api/sites", { headers: { authorization: `Bearer ${SECRET}` } });
  assert.equal(api.status, 200);
  assert.ok((await api.arrayBuffer()).byteLength < MAX_PAGE_BYTES);
});

Deno.test("100k sites: the selector offers a bounded choice, the admin's sites first, and keeps the selection", async () => {
  const app = await manySites();
  const { html } = await adminHtml(app, "/admin");
  // A text field with suggestions instead of a <select> of every site.
  assert.doesNotMatch(html, /<select id="site-select"/);
  assert.match(html, /<input id="site-search" name="site" list="site-choices" value[ /]/);
  const options = [...html.matchAll(/<option value="([^"]*)">/g)].map((m) => m[1]);
  assert.equal(options.length, SITE_CHOICES);
  assert.equal(options[0], "zz-shop");
  assert.equal(options[1], "site-000000");
  assert.match(html, /100,001 sites/);
  // The dashboard of all sites summarises a few and says so.
  assert.match(html, /20 of 100,001\s+sites are summarised/);

  // A site beyond the suggestions is selected by its id, and the page shows it.
  const chosen = await adminHtml(app, "/admin/views?site=site-077777");
  assert.match(
    chosen.html,
    /<input id="site-search" name="site" list="site-choices" value="site-077777"/,
  );
  assert.match(chosen.html, /<option value="site-077777">site-077777<\/option>/);
  const dashboard = await adminHtml(app, "/admin?site=site-077777");
  assert.match(dashboard.html, /site-077777 · /);
});

Deno.test("100k sites: /admin/sites finds any site by id or name, and pages through them all", async () => {
  const app = await manySites();
  const byId = await adminHtml(app, "/admin/sites?q=site-077777");
  assert.deepEqual(rowValues(byId.html, "data-site"), ["site-077777"]);
  const byName = await adminHtml(app, "/admin/sites?q=the%20SHOP");
  assert.deepEqual(rowValues(byName.html, "data-site"), ["zz-shop"]);
  assert.match((await adminHtml(app, "/admin/sites?q=nothing-like-it")).html, /No site id or name/);

  const first = await adminHtml(app, "/admin/sites");
  const ids = rowValues(first.html, "data-site");
  assert.equal(ids.length, 50);
  assert.equal(ids[0], "site-000000");
  const next = unescape(first.html.match(/href="([^"]+)" rel="next"/)![1]);
  const second = await adminHtml(app, next);
  assert.equal(rowValues(second.html, "data-site")[0], "site-000050");
  assert.match(second.html, /rel="prev"/);
  // The search pages too.
  const searched = await adminHtml(app, "/admin/sites?q=site-0999");
  assert.equal(rowValues(searched.html, "data-site").length, 50);
  const more = unescape(searched.html.match(/href="([^"]+)" rel="next"/)![1]);
  assert.match(more, /q=site-0999/);
  assert.deepEqual(rowValues((await adminHtml(app, more)).html, "data-site").slice(0, 2), [
    "site-099950",
    "site-099951",
  ]);
});

Deno.test("100k sites: GET /api/sites is paged (Link: rel=next) and searchable", async () => {
  const app = await manySites();
  const get = (path: string) =>
    app.request(path, { headers: { authorization: `Bearer ${SECRET}` } });
  const page = await get("/api/sites?limit=2");
  const rows = await page.json() as { site_id: string }[];
  assert.deepEqual(rows.map((r) => r.site_id), ["site-000000", "site-000001"]);
  const link = page.headers.get("link")!;
  assert.equal(link, '</api/sites?limit=2&after=site-000001>; rel="next"');
  const next = await get(link.slice(1, link.indexOf(">")));
  assert.deepEqual((await next.json() as { site_id: string }[]).map((r) => r.site_id), [
    "site-000002",
    "site-000003",
  ]);
  const found = await get("/api/sites?q=077777");
  assert.deepEqual((await found.json() as { site_id: string }[]).map((r) => r.site_id), [
    "site-077777",
  ]);
  assert.equal(found.headers.get("link"), null);
  const all = await get("/api/sites");
  assert.equal((await all.json() as unknown[]).length, 50);
  assert.equal((await get("/api/sites?after=a%20b")).status, 400);
  assert.equal((await get("/api/sites?limit=x")).status, 400);
});
