// Public read-only mode (ECHELON_PUBLIC_MODE=true) on the admin pages: aggregates only, no
// visitor ids, histories or raw event data anywhere, no form that writes and no mutation or
// logout control on any page, the pages of one visitor, the settings and the sites refused
// (403 not_public), and every POST refused without a change. tests/public_mode_test.ts walks
// every route.
import assert from "node:assert/strict";
import {
  ADMIN_PAGES,
  adminApp,
  adminHtml,
  adminPost,
  insertEvents,
  insertViews,
  postForms,
  registerSite,
} from "./_admin.ts";

const SECRET_VISITOR = "visitor-secret-4242";
const SECRET_DATA = "raw-event-data-9999";

async function seededPublicApp() {
  const app = await adminApp({ ECHELON_PUBLIC_MODE: "true" });
  registerSite(app, "shop");
  insertViews(app, [
    { visitor_id: SECRET_VISITOR, path: "/pricing", country_code: "FI", device_type: "desktop" },
    { visitor_id: SECRET_VISITOR, path: "/pricing", country_code: "FI", device_type: "desktop" },
    { visitor_id: "another-visitor-777", path: "/", bot_score: 90 },
  ]);
  insertEvents(app, [
    {
      visitor_id: SECRET_VISITOR,
      event_type: "custom",
      event_name: "signup",
      data: `{"x":"${SECRET_DATA}"}`,
    },
  ]);
  app.services.db.run("INSERT INTO excluded_visitors (visitor_id) VALUES ('excluded-visitor-555')");
  return app;
}

Deno.test("public mode: pages show aggregates, never visitor ids, raw data or write controls", async () => {
  const app = await seededPublicApp();
  const paths = [
    ...ADMIN_PAGES.filter((path) => !["/admin/sites", "/admin/settings"].includes(path)),
    "/admin/views?bots=all&country=FI",
    "/admin/events?type=custom&name=signup",
    "/admin/visitors?kind=bots",
    "/admin/bots?min_score=1",
  ];
  for (const path of paths) {
    const { status, html } = await adminHtml(app, path);
    assert.equal(status, 200, path);
    assert.deepEqual(postForms(html), [], `${path}: no form posts`);
    for (
      const secret of [SECRET_VISITOR, "another-visitor-777", "excluded-visitor-555", SECRET_DATA]
    ) {
      assert.ok(!html.includes(secret), `${path} exposes ${secret}`);
    }
    assert.doesNotMatch(
      html,
      />(Exclude|Include|Log out|Delete site|Delete…|Delete|Save|Save settings|Add site)</,
      path,
    );
    assert.doesNotMatch(html, /href="\/admin\/visitors\/[^"?]/, `${path}: no links to histories`);
    assert.match(html, /Read-only/, path);
  }
  const views = (await adminHtml(app, "/admin/views")).html;
  assert.match(views, /<table id="top-paths"[\s\S]*?\/pricing[\s\S]*?>2<\/td><td[^>]*>1<\/td>/);
  assert.doesNotMatch(views, /id="views-table"/);
  const events = (await adminHtml(app, "/admin/events")).html;
  assert.match(events, /data-event-type="custom" data-event-name="signup"/);
  assert.doesNotMatch(events, /id="events-table"/);
  const visitors = (await adminHtml(app, "/admin/visitors")).html;
  assert.match(visitors, /id="visitor-totals"/);
  assert.match(visitors, /<td[^>]*>FI<\/td><td[^>]*>1<\/td>/);
  const bots = (await adminHtml(app, "/admin/bots")).html;
  assert.doesNotMatch(bots, /id="suspicious-table"|id="excluded-table"/);
  assert.match(bots, /id="known-bots"/);
});

Deno.test("public mode: visitor histories, settings, sites and the delete page are refused", async () => {
  const app = await seededPublicApp();
  const detail = await adminHtml(app, `/admin/visitors/${SECRET_VISITOR}`);
  assert.equal(detail.status, 403);
  assert.match(detail.html, /not available on a public read-only instance/);
  assert.ok(!detail.html.includes("/pricing"), "no history rows");
  assert.deepEqual(postForms(detail.html), []);
  for (
    const path of [
      "/admin/sites/shop/delete",
      "/admin/sites/shop",
      "/admin/sites",
      "/admin/settings",
    ]
  ) {
    const page = await adminHtml(app, path);
    assert.equal(page.status, 403, path);
    assert.match(page.html, /not available on a public read-only instance/, path);
    assert.deepEqual(postForms(page.html), [], path);
  }
});

Deno.test("public mode: every admin POST is refused and changes nothing", async () => {
  const app = await seededPublicApp();
  const before = app.services.db.all("SELECT * FROM excluded_visitors");
  const attempts: [string, Record<string, string>][] = [
    [`/admin/visitors/${SECRET_VISITOR}`, { action: "exclude" }],
    ["/admin/visitors/excluded-visitor-555", { action: "include" }],
    ["/admin/sites", { site_id: "new-site" }],
    ["/admin/sites/shop", { name: "renamed" }],
    ["/admin/sites/shop/delete", { confirm: "shop", purge_data: "on" }],
    ["/admin/settings", { display_timezone: "Asia/Tokyo", debug: "on" }],
    ["/admin/logout", {}],
  ];
  for (const [path, form] of attempts) {
    const res = await adminPost(app, path, form);
    assert.equal(res.status, 403, path);
    await res.body?.cancel();
  }
  assert.deepEqual(app.services.db.all("SELECT * FROM excluded_visitors"), before);
  assert.deepEqual(
    app.services.db.all<{ site_id: string; name: string | null }>(
      "SELECT site_id, name FROM sites",
    ).map((r) => ({ ...r })),
    [{ site_id: "shop", name: null }],
  );
  assert.equal(
    app.services.db.get<{ n: number }>(
      "SELECT COUNT(*) AS n FROM instance_settings WHERE key LIKE 'admin.%'",
    )!.n,
    0,
  );
  const api = await app.request("/api/sites", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: '{"site_id":"x"}',
  });
  assert.equal(api.status, 403);
  assert.equal((await api.json()).error, "read_only");
});
