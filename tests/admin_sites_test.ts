// /admin/sites and /api/sites: adding (validated ids), per-site settings stored in site_settings
// and handed to the tracker, the snippet with the public origin, deletion behind a confirmation
// page (optionally purging the site's data), and the JSON API's contract.
import assert from "node:assert/strict";
import {
  adminApp,
  adminHtml,
  adminPost,
  insertEvents,
  insertViews,
  registerSite,
  rowValues,
} from "./_admin.ts";
import { TEST_ORIGIN, TEST_SECRET } from "./_helpers.ts";

const SECRET = TEST_SECRET;
const BEARER = { authorization: `Bearer ${SECRET}` };

function sites(app: { services: { db: { all: <T>(sql: string) => T[] } } }) {
  return app.services.db.all<{ site_id: string; name: string | null; source: string }>(
    "SELECT site_id, name, source FROM sites ORDER BY site_id",
  ).map((row) => ({ ...row }));
}

Deno.test("admin sites: list with human views today and over 30 days", async () => {
  const app = await adminApp();
  registerSite(app, "shop", "The Shop");
  registerSite(app, "blog");
  const now = app.clock.now;
  insertViews(app, [
    { site_id: "shop", visitor_id: "a" },
    { site_id: "shop", visitor_id: "b" },
    { site_id: "shop", visitor_id: "bot", bot_score: 90 },
    { site_id: "shop", visitor_id: "c", created_at: new Date(now - 3 * 86_400_000).toISOString() },
    { site_id: "shop", visitor_id: "d", created_at: new Date(now - 40 * 86_400_000).toISOString() },
    { site_id: "blog", visitor_id: "e", created_at: new Date(now - 86_400_000).toISOString() },
  ]);
  const { status, html } = await adminHtml(app, "/admin/sites");
  assert.equal(status, 200);
  assert.deepEqual(rowValues(html, "data-site"), ["blog", "shop"]);
  const figures = (site: string) => {
    const row = html.match(new RegExp(`<tr data-site="${site}">[\\s\\S]*?</tr>`))![0];
    return [...row.matchAll(/text-right tabular-nums">(\d+)</g)].map((m) => Number(m[1]));
  };
  assert.deepEqual(figures("shop"), [2, 3]);
  assert.deepEqual(figures("blog"), [0, 1]);
  assert.match(html, /The Shop/);
  assert.match(
    html,
    /&lt;script src=&quot;http:\/\/echelon\.test\/ea\.js&quot; data-site=&quot;shop&quot; defer>&lt;\/script>/,
  );
});

Deno.test("admin sites: adding validates the id, stores it and shows its snippet", async () => {
  const app = await adminApp({ ECHELON_REGISTERED_SITES_ONLY: "true" });
  const res = await adminPost(app, "/admin/sites", { site_id: "My-Site.io", name: " My site " });
  assert.equal(res.status, 303);
  assert.equal(res.headers.get("location"), "/admin/sites/my-site.io?notice=site_added");
  assert.deepEqual(sites(app), [{ site_id: "my-site.io", name: "My site", source: "admin" }]);
  // The collectors accept the new site at once (registered-sites-only mode).
  assert.equal(app.services.collect.caches.isRegistered("my-site.io"), true);

  const page = await adminHtml(app, "/admin/sites/my-site.io?notice=site_added");
  assert.equal(page.status, 200);
  assert.match(page.html, /Site added/);
  assert.match(
    page.html,
    /<pre id="snippet"[^>]*><code>&lt;script src=&quot;http:\/\/echelon\.test\/ea\.js&quot; data-site=&quot;my-site\.io&quot; defer>&lt;\/script><\/code><\/pre>/,
  );

  for (const bad of ["", "has space", "a/b", "x".repeat(65), "<script>"]) {
    const refused = await adminPost(app, "/admin/sites", { site_id: bad });
    assert.equal(refused.status, 400, bad);
    const html = await refused.text();
    assert.match(html, /Site id: .* must be 1-64 characters/, bad);
    assert.doesNotMatch(html, /<script>/);
  }
  const duplicate = await adminPost(app, "/admin/sites", { site_id: "MY-SITE.IO" });
  assert.equal(duplicate.status, 409);
  assert.match(await duplicate.text(), /already exists/);
  const longName = await adminPost(app, "/admin/sites", { site_id: "ok", name: "n".repeat(101) });
  assert.equal(longName.status, 400);
  await longName.body?.cancel();
  assert.equal(sites(app).length, 1);

  // A site first seen through its hits becomes an admin site.
  registerSite(app, "auto-site");
  const claimed = await adminPost(app, "/admin/sites", { site_id: "auto-site", name: "Auto" });
  assert.equal(claimed.headers.get("location"), "/admin/sites/auto-site?notice=site_registered");
  assert.deepEqual(sites(app)[0], { site_id: "auto-site", name: "Auto", source: "admin" });
});

Deno.test("admin sites: the snippet names the public origin behind a trusted proxy", async () => {
  const app = await adminApp({ ECHELON_TRUST_PROXY: "true" });
  registerSite(app, "shop");
  const snippet = async (ip: string) => {
    const res = await app.request("/admin/sites/shop", {
      ip,
      headers: {
        cookie: app.cookie,
        "x-forwarded-proto": "https",
        "x-forwarded-host": "stats.example.com",
      },
    });
    return await res.text();
  };
  assert.match(
    await snippet("10.0.0.1"),
    /&lt;script src=&quot;https:\/\/stats\.example\.com\/ea\.js&quot; data-site=&quot;shop&quot;/,
  );
  assert.match(
    await snippet("203.0.113.50"),
    /&lt;script src=&quot;http:\/\/echelon\.test\/ea\.js&quot;/,
    "headers from a peer that is not a trusted proxy are ignored",
  );
});

Deno.test("admin sites: settings are validated, sanitised, stored and reach the tracker", async () => {
  const app = await adminApp();
  registerSite(app, "shop");
  const saved = await adminPost(app, "/admin/sites/shop", {
    name: "Shop",
    consent_css: "div { color: red; }",
    send_form_values: "on",
    query_allowlist: "page, q\nref",
  });
  assert.equal(saved.status, 303);
  assert.equal(saved.headers.get("location"), "/admin/sites/shop?notice=site_saved");
  const row = app.services.db.get(
    "SELECT consent_css, send_form_values, query_allowlist FROM site_settings WHERE site_id = 'shop'",
  );
  assert.deepEqual({ ...row }, {
    consent_css: "div { color: red; }",
    send_form_values: 1,
    query_allowlist: "page,q,ref",
  });
  assert.equal(sites(app)[0].name, "Shop");
  // The tracker's challenge endpoint hands the settings to the page.
  const challenge = await (await app.request("/c?s=shop")).json();
  assert.deepEqual(challenge.site, {
    query: ["page", "q", "ref"],
    formValues: true,
    consentCss: "div { color: red; }",
    anon: false,
  });

  // Dangerous CSS is stored sanitised, and the page says what was removed.
  const sanitised = await adminPost(app, "/admin/sites/shop", {
    name: "Shop",
    consent_css: "div { background: url(https://evil.example/x.gif) } @import 'x.css';",
    query_allowlist: "",
  });
  assert.equal(sanitised.status, 200);
  assert.match(
    await sanitised.text(),
    /Saved, with changes: Removed from the CSS: url\(, @import\./,
  );
  const css = app.services.db.get<{ consent_css: string; send_form_values: number }>(
    "SELECT consent_css, send_form_values FROM site_settings WHERE site_id = 'shop'",
  )!;
  assert.doesNotMatch(css.consent_css, /url\(|@import/);
  assert.equal(css.send_form_values, 0, "an unchecked box turns the opt-in off");

  for (
    const [form, message] of [
      [{ query_allowlist: "ok, bad name" }, /Query allowlist: &quot;bad name&quot; is not a/],
      [{ consent_css: "a".repeat(5000) }, /Consent CSS: 5000 characters, at most 4096/],
      [{ name: "n".repeat(150) }, /Name: at most 100 characters/],
    ] as const
  ) {
    const refused = await adminPost(app, "/admin/sites/shop", form);
    assert.equal(refused.status, 400);
    assert.match(await refused.text(), message);
  }
  assert.equal((await adminPost(app, "/admin/sites/nope", { name: "x" })).status, 404);
  assert.equal((await adminHtml(app, "/admin/sites/nope")).status, 404);
});

Deno.test("admin sites: deleting asks for confirmation, then removes the site (and data)", async () => {
  const app = await adminApp();
  registerSite(app, "shop");
  registerSite(app, "blog");
  insertViews(app, [{ site_id: "shop", visitor_id: "a" }, { site_id: "blog", visitor_id: "b" }]);
  insertEvents(app, [{ site_id: "shop", visitor_id: "a" }]);
  app.services.db.run(
    "INSERT INTO site_settings (site_id, consent_css) VALUES ('shop', 'div{}'), ('blog', 'p{}')",
  );

  const confirm = await adminHtml(app, "/admin/sites/shop/delete");
  assert.equal(confirm.status, 200);
  assert.match(
    confirm.html,
    /<form method="post" action="\/admin\/sites\/shop\/delete" id="delete-site"/,
  );
  assert.match(confirm.html, /1 page views,\s*1 events/);

  // Without the confirmation field nothing happens.
  const unconfirmed = await adminPost(app, "/admin/sites/shop/delete", {});
  assert.equal(unconfirmed.status, 400);
  await unconfirmed.body?.cancel();
  assert.equal(sites(app).length, 2);

  const kept = await adminPost(app, "/admin/sites/blog/delete", { confirm: "blog" });
  assert.equal(kept.status, 303);
  assert.equal(kept.headers.get("location"), "/admin/sites?notice=site_deleted");
  assert.deepEqual(sites(app).map((s) => s.site_id), ["shop"]);
  const count = (sql: string) => app.services.db.get<{ n: number }>(sql)!.n;
  assert.equal(count("SELECT COUNT(*) AS n FROM visitor_views WHERE site_id = 'blog'"), 1);
  assert.equal(count("SELECT COUNT(*) AS n FROM site_settings WHERE site_id = 'blog'"), 0);

  const purged = await adminPost(app, "/admin/sites/shop/delete", {
    confirm: "shop",
    purge_data: "on",
  });
  assert.equal(purged.status, 303);
  assert.deepEqual(sites(app), []);
  assert.equal(count("SELECT COUNT(*) AS n FROM visitor_views WHERE site_id = 'shop'"), 0);
  assert.equal(count("SELECT COUNT(*) AS n FROM semantic_events WHERE site_id = 'shop'"), 0);
  assert.equal(count("SELECT COUNT(*) AS n FROM site_settings"), 0);
  assert.equal(app.services.collect.caches.isRegistered("shop"), false);
  assert.equal((await adminHtml(app, "/admin/sites/shop/delete")).status, 404);
});

Deno.test("api sites: list, create, read, patch and delete with the JSON contract", async () => {
  const app = await adminApp({ ECHELON_SECRET: SECRET });
  const json = async (path: string, init: RequestInit = {}) => {
    const res = await app.request(path, {
      ...init,
      headers: { ...BEARER, "content-type": "application/json", ...init.headers },
    });
    return { status: res.status, body: await res.json() };
  };
  const created = await json("/api/sites", {
    method: "POST",
    body: JSON.stringify({ site_id: "Docs", name: "Docs" }),
  });
  assert.equal(created.status, 201);
  assert.equal(created.body.created, "docs");
  assert.equal(
    (await json("/api/sites", { method: "POST", body: '{"site_id":"docs"}' })).status,
    409,
  );
  const invalid = await json("/api/sites", { method: "POST", body: '{"site_id":"a b"}' });
  assert.deepEqual([invalid.status, invalid.body.error], [400, "invalid_site_id"]);
  assert.equal((await json("/api/sites", { method: "POST", body: "[1]" })).status, 400);

  const list = await json("/api/sites");
  assert.equal(list.status, 200);
  assert.deepEqual(
    list.body.map((s: { site_id: string; views_today: number }) => [s.site_id, s.views_today]),
    [["docs", 0]],
  );

  const read = await json("/api/sites/docs");
  assert.deepEqual(
    { ...read.body, created_at: undefined },
    {
      site_id: "docs",
      name: "Docs",
      source: "admin",
      created_at: undefined,
      consent_css: "",
      send_form_values: false,
      query_allowlist: [],
      time_zone: "UTC",
    },
  );
  const patched = await json("/api/sites/docs", {
    method: "PATCH",
    body: JSON.stringify({
      consent_css: "a{color:red} b{background:url(//x)}",
      query_allowlist: ["page"],
    }),
  });
  assert.equal(patched.status, 200);
  assert.equal(patched.body.updated, "docs");
  assert.equal(patched.body.site.consent_css, "a{color:red} b{background:/*blocked*///x)}");
  assert.deepEqual(patched.body.site.query_allowlist, ["page"]);
  assert.equal(patched.body.site.name, "Docs", "fields not sent are kept");
  assert.deepEqual(patched.body.notes, ["Removed from the CSS: url(."]);
  const badPatch = await json("/api/sites/docs", {
    method: "PATCH",
    body: JSON.stringify({ send_form_values: "yes" }),
  });
  assert.deepEqual([badPatch.status, badPatch.body.error], [400, "invalid_payload"]);
  assert.deepEqual((await json("/api/sites/a%20b")).body.error, "invalid_site_id");
  assert.deepEqual((await json("/api/sites/missing")).body.error, "not_found");

  insertViews(app, [{ site_id: "docs", visitor_id: "a" }]);
  const deleted = await json("/api/sites/docs?purge_data=true", { method: "DELETE" });
  assert.equal(deleted.status, 200);
  assert.equal(deleted.body.deleted, "docs");
  assert.equal(deleted.body.removed.views, 1);
  assert.equal((await json("/api/sites/docs", { method: "DELETE" })).status, 404);

  // A session cookie works too, with the same-origin check on writes.
  const viaCookie = await app.request("/api/sites", {
    method: "POST",
    headers: { cookie: app.cookie, origin: TEST_ORIGIN, "content-type": "application/json" },
    body: '{"site_id":"cookie-site"}',
  });
  assert.equal(viaCookie.status, 201);
  await viaCookie.body?.cancel();
  const forged = await app.request("/api/sites", {
    method: "POST",
    headers: {
      cookie: app.cookie,
      origin: "https://evil.example",
      "content-type": "application/json",
    },
    body: '{"site_id":"forged"}',
  });
  assert.equal(forged.status, 403);
  await forged.body?.cancel();
  assert.deepEqual(sites(app).map((s) => s.site_id), ["cookie-site"]);
});
