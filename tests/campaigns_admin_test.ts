// /admin/campaigns pages: the list with the selected period's figures, registering through the
// form (and the whitelist following at once), the detail's tables, trend and URL builder, the
// status, rename and delete forms, and public mode rendering no write control and refusing writes.
import assert from "node:assert/strict";
import { adminApp, adminHtml, adminPost, postForms, rowValues } from "./_admin.ts";
import { seedReportFixture } from "./_campaigns.ts";
import { b64, beaconUrl, hit, views } from "./_collect.ts";

function campaign(
  t: { services: { db: { get: (sql: string, id: string) => unknown } } },
  id: string,
) {
  const row = t.services.db.get("SELECT name, status FROM utm_campaigns WHERE id = ?", id);
  return row ? { ...(row as Record<string, unknown>) } : null;
}

/** The text of the cells of the row marked data-`attribute`=`value`, tags stripped. */
function rowCells(html: string, attribute: string, value: string): string[] {
  const row = html.match(new RegExp(`<tr\\b[^>]*${attribute}="${value}"[^>]*>([\\s\\S]*?)</tr>`));
  assert.ok(row, `row ${attribute}=${value}`);
  return [...row[1].matchAll(/<td\b[^>]*>([\s\S]*?)<\/td>/g)].map((m) =>
    m[1].replace(/<[^>]+>/g, "").replace(/&amp;/g, "&").trim()
  );
}

/** The section with the given id. */
function section(html: string, id: string): string {
  const start = html.indexOf(`id="${id}"`);
  assert.ok(start >= 0, `#${id}`);
  return html.slice(start, html.indexOf("</section>", start));
}

Deno.test("admin campaigns: the list shows each campaign's figures for the selected period", async () => {
  const t = await adminApp();
  seedReportFixture(t);
  const { status, html } = await adminHtml(t, "/admin/campaigns?days=7");
  assert.equal(status, 200);
  // Newest first; these were registered in the same millisecond, so by id.
  assert.deepEqual(rowValues(html, "data-campaign"), ["autumn", "blog-spring", "spring"]);
  assert.deepEqual(rowCells(html, "data-campaign", "spring").slice(0, 8), [
    "Spring",
    "spring",
    "shop",
    "active",
    "5",
    "4",
    "4",
    "75%",
  ]);
  assert.deepEqual(rowCells(html, "data-campaign", "autumn").slice(3, 8), [
    "paused",
    "0",
    "0",
    "0",
    "—",
  ]);
  assert.match(html, /<form[^>]*id="new-campaign"/);
  const filter = html.slice(
    html.indexOf('id="status-filter"'),
    html.indexOf("</nav>", html.indexOf('id="status-filter"')),
  );
  assert.deepEqual(
    [...filter.matchAll(/<a\b[^>]*aria-current="page"[^>]*>([^<]*)</g)].map((m) => m[1]),
    ["All"],
  );
  // The site selection and the status filter narrow the list; the period changes the figures.
  const shop = await adminHtml(t, "/admin/campaigns?days=1&site=shop&status=active");
  assert.match(shop.html, /aria-current="page"[^>]*>Active</);
  assert.deepEqual(rowValues(shop.html, "data-campaign"), ["spring"]);
  assert.deepEqual(rowCells(shop.html, "data-campaign", "spring").slice(4, 8), [
    "2",
    "2",
    "2",
    "100%",
  ]);
  // Navigation lists the page and marks it current.
  assert.match(
    html,
    /<a[^>]*href="\/admin\/campaigns\?days=7"[^>]*aria-current="page"[^>]*>Campaigns/,
  );
});

Deno.test("admin campaigns: registering through the form, errors and duplicates", async () => {
  const t = await adminApp({ ECHELON_DEBUG: "true" });
  const created = await adminPost(t, "/admin/campaigns", {
    utm_campaign: "black-friday",
    name: "Black Friday",
    site_id: "Shop",
    status: "active",
  });
  assert.equal(created.status, 303);
  assert.equal(
    created.headers.get("location"),
    "/admin/campaigns/black-friday?notice=campaign_created",
  );
  assert.deepEqual(campaign(t, "black-friday"), { name: "Black Friday", status: "active" });
  // The collectors' whitelist follows the form at once.
  await hit(t, beaconUrl({ s: "shop", p: b64("/?utm_campaign=black-friday&utm_source=ig") }));
  assert.deepEqual((await views(t)).map((r) => [r.utm_campaign, r.utm_source]), [[
    "black-friday",
    "ig",
  ]]);

  const invalid = await adminPost(t, "/admin/campaigns", {
    utm_campaign: "",
    name: "x",
    site_id: "bad site",
    status: "on",
  });
  assert.equal(invalid.status, 400);
  const invalidHtml = await invalid.text();
  assert.match(invalidHtml, /utm_campaign: required/);
  assert.match(invalidHtml, /site_id: &quot;bad site&quot; is not a site id/);
  assert.match(invalidHtml, /value="bad site"/, "the form keeps what was typed");

  const dup = await adminPost(t, "/admin/campaigns", {
    utm_campaign: "black-friday",
    site_id: "shop",
    status: "paused",
  });
  assert.equal(dup.status, 409);
  assert.match(await dup.text(), /already registered for site &quot;shop&quot;/);
  assert.equal(
    t.services.db.get<{ n: number }>("SELECT COUNT(*) AS n FROM utm_campaigns")?.n,
    1,
  );
});

Deno.test("admin campaigns: the detail shows figures, trend, breakdowns, events and a URL builder", async () => {
  const t = await adminApp();
  seedReportFixture(t);
  const { status, html } = await adminHtml(t, "/admin/campaigns/spring?days=7");
  assert.equal(status, 200);
  const figures = section(html, "campaign-figures");
  for (const [label, value] of [["Views", "5"], ["Visitors", "4"], ["Bounce rate", "75%"]]) {
    assert.match(figures, new RegExp(`${label}</div><div[^>]*>${value}</div>`), label);
  }
  assert.match(figures, /Conversions<\/div><div[^>]*>2<\/div>/);
  // One bar per day of the period, the counted days with their values.
  const bars = [...html.matchAll(/<g data-date="([\d-]+)" data-value="(\d+)"/g)].map((m) => [
    m[1],
    Number(m[2]),
  ]);
  assert.equal(bars.length, 7);
  assert.deepEqual(bars.filter(([, v]) => v !== 0), [["2026-11-18", 3], ["2026-11-20", 2]]);
  const sources = section(html, "by-source");
  assert.deepEqual(rowValues(sources, "data-value"), ["newsletter", "direct", "twitter"]);
  assert.deepEqual(rowCells(sources, "data-value", "newsletter"), ["newsletter", "3", "2"]);
  assert.deepEqual(rowValues(section(html, "by-medium"), "data-value"), [
    "none",
    "email",
    "social",
  ]);
  assert.deepEqual(rowValues(section(html, "by-content"), "data-value"), ["hero"]);
  assert.deepEqual(rowValues(section(html, "by-term"), "data-value"), ["shoes"]);
  assert.deepEqual(rowCells(section(html, "landing-pages"), "data-value", "/landing"), [
    "/landing",
    "3",
    "66.7%",
  ]);
  assert.deepEqual(rowValues(section(html, "events-by-name"), "data-value"), [
    "signup",
    "purchase",
  ]);
  assert.deepEqual(rowValues(section(html, "events-by-type"), "data-value"), ["custom", "click"]);
  for (const status of ["paused", "archived"]) {
    assert.match(html, new RegExp(`data-set-status="${status}"`));
  }
  assert.doesNotMatch(html, /data-set-status="active"/, "no button for the current status");

  const built = await adminHtml(
    t,
    "/admin/campaigns/spring?days=7&link_url=" +
      encodeURIComponent("https://shop.example/sale?ref=1#top") +
      "&link_source=newsletter&link_medium=email&link_term=red+shoes",
  );
  const tagged = built.html.match(/id="tagged-url"[\s\S]*?<code>([^<]*)<\/code>/)?.[1];
  assert.equal(
    tagged?.replace(/&amp;/g, "&"),
    "https://shop.example/sale?ref=1&utm_campaign=spring&utm_source=newsletter&utm_medium=email" +
      "&utm_term=red+shoes#top",
  );
  const bad = await adminHtml(t, "/admin/campaigns/spring?link_url=javascript%3Aalert(1)");
  assert.match(bad.html, /Landing page: must be an http or https URL/);
  assert.doesNotMatch(bad.html, /id="tagged-url"/);

  assert.equal((await adminHtml(t, "/admin/campaigns/nope")).status, 404);
  assert.equal((await adminHtml(t, "/admin/campaigns/bad%20id")).status, 404);
});

Deno.test("admin campaigns: status buttons, rename and delete work as plain forms", async () => {
  const t = await adminApp();
  seedReportFixture(t);
  const paused = await adminPost(t, "/admin/campaigns/spring?days=7", {
    action: "status",
    status: "paused",
  });
  assert.equal(paused.status, 303);
  assert.equal(
    paused.headers.get("location"),
    "/admin/campaigns/spring?days=7&notice=campaign_saved",
  );
  assert.equal(campaign(t, "spring")?.status, "paused");
  const page = await adminHtml(t, "/admin/campaigns/spring?days=7&notice=campaign_saved");
  assert.match(page.html, /Campaign saved\./);
  assert.match(page.html, /This campaign is paused/);
  for (const status of ["archived", "active", "paused", "active"]) {
    const res = await adminPost(t, "/admin/campaigns/spring", { action: "status", status });
    assert.equal(res.status, 303, status);
    assert.equal(campaign(t, "spring")?.status, status);
  }
  const renamed = await adminPost(t, "/admin/campaigns/spring", {
    action: "rename",
    name: "Spring 2026",
  });
  assert.equal(renamed.status, 303);
  assert.deepEqual(campaign(t, "spring"), { name: "Spring 2026", status: "active" });
  const refused = [
    await adminPost(t, "/admin/campaigns/spring", { action: "status", status: "done" }),
    await adminPost(t, "/admin/campaigns/spring", { action: "rename", name: "  " }),
    await adminPost(t, "/admin/campaigns/spring", { action: "explode" }),
  ];
  assert.deepEqual(refused.map((r) => r.status), [400, 400, 400]);
  await Promise.all(refused.map((r) => r.body?.cancel()));
  assert.deepEqual(campaign(t, "spring"), { name: "Spring 2026", status: "active" });

  const confirm = await adminHtml(t, "/admin/campaigns/spring/delete");
  assert.equal(confirm.status, 200);
  assert.match(confirm.html, /<form[^>]*id="delete-campaign-form"/);
  const unconfirmed = await adminPost(t, "/admin/campaigns/spring/delete", {});
  assert.equal(unconfirmed.status, 400);
  await unconfirmed.body?.cancel();
  assert.ok(campaign(t, "spring"));
  const deleted = await adminPost(t, "/admin/campaigns/spring/delete", { confirm: "spring" });
  assert.equal(deleted.status, 303);
  assert.equal(deleted.headers.get("location"), "/admin/campaigns?notice=campaign_deleted");
  assert.equal(campaign(t, "spring"), null);
  // The views stay; the list no longer has the campaign.
  assert.equal(
    t.services.db.get<{ n: number }>(
      "SELECT COUNT(*) AS n FROM visitor_views WHERE utm_campaign = 'spring'",
    )?.n,
    10 - 1, // every fixture view but the organic one is tagged
  );
  const list = await adminHtml(t, "/admin/campaigns?notice=campaign_deleted");
  assert.match(list.html, /Campaign deleted\./);
  assert.deepEqual(rowValues(list.html, "data-campaign"), ["autumn", "blog-spring"]);
});

Deno.test("admin campaigns: public mode shows the reports without any write control", async () => {
  const t = await adminApp({ ECHELON_PUBLIC_MODE: "true" });
  seedReportFixture(t);
  const list = await adminHtml(t, "/admin/campaigns?days=7");
  assert.equal(list.status, 200);
  assert.deepEqual(postForms(list.html).filter((f) => !/logout/.test(f)), []);
  assert.deepEqual(rowCells(list.html, "data-campaign", "spring").slice(4, 6), ["5", "4"]);
  const detail = await adminHtml(
    t,
    "/admin/campaigns/spring?days=7&link_url=https%3A%2F%2Fa.example%2F",
  );
  assert.equal(detail.status, 200);
  assert.deepEqual(postForms(detail.html), []);
  assert.doesNotMatch(detail.html, /data-set-status|delete-campaign/);
  assert.match(detail.html, /id="tagged-url"/, "the URL builder writes nothing and stays");
  const deletePage = await adminHtml(t, "/admin/campaigns/spring/delete");
  assert.equal(deletePage.status, 403);
  assert.match(deletePage.html, /not available on a public read-only instance/);
  const writes = [
    await adminPost(t, "/admin/campaigns", { utm_campaign: "x", site_id: "shop" }),
    await adminPost(t, "/admin/campaigns/spring", { action: "status", status: "paused" }),
    await adminPost(t, "/admin/campaigns/spring/delete", { confirm: "spring" }),
  ];
  assert.deepEqual(writes.map((r) => r.status), [403, 403, 403]);
  await Promise.all(writes.map((r) => r.body?.cancel()));
  assert.deepEqual(campaign(t, "spring"), { name: "Spring", status: "active" });
  assert.equal(
    t.services.db.get<{ n: number }>("SELECT COUNT(*) AS n FROM utm_campaigns")?.n,
    3,
  );
});
