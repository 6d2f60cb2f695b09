// Chromium, the admin as a person uses it: sign in, read and switch the dashboard, exclude a
// visitor, download the overview CSV, watch the live panels poll (fake clock) and pause while
// hidden; then every page of a public instance without a control that writes. No page error and
// no `securitypolicyviolation` anywhere.
import assert from "node:assert/strict";
import type { BrowserContext, Page } from "playwright-core";
import { ADMIN_NAV } from "../../lib/admin/nav.ts";
import { isPublicPage } from "../../lib/public/mod.ts";
import { refreshRollups } from "../../lib/stats/mod.ts";
import { insertViews, registerSite } from "../_admin.ts";
import { AUTH_ENV, TEST_PASSWORD, TEST_USERNAME } from "../_auth.ts";
import { createTestApp, serveTestApp, type TestApp } from "../_helpers.ts";
import { D2, insertFixture, SITE } from "../_stats_fixture.ts";
import { BROWSER_TEST, openBrowser } from "./_browser.ts";

/** The page's record of CSP violations (set up by `watchCsp`). */
type CspRecord = { __cspViolations: string[] };
const violations = () => (globalThis as unknown as CspRecord).__cspViolations;

/** Records CSP violations in every document the context opens. */
async function watchCsp(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const record: string[] = [];
    (globalThis as unknown as { __cspViolations: string[] }).__cspViolations = record;
    document.addEventListener("securitypolicyviolation", (e) => {
      record.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}`);
    });
  });
}

function watchErrors(page: Page, errors: string[]): void {
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("console", (msg) => {
    if (msg.type() === "error") errors.push(msg.text());
  });
}

/** Loads `path`, waits for the islands, and asserts no CSP violation and no page error. */
async function visit(page: Page, url: string, errors: string[]): Promise<void> {
  const res = await page.goto(url);
  assert.equal(res?.status(), 200, url);
  await page.waitForSelector("html[data-hydrated=true]");
  assert.deepEqual(await page.evaluate(violations), [], `${url}: CSP`);
  assert.deepEqual(errors, [], `${url}: page errors`);
}

const kpi = (page: Page, key: string) =>
  page.locator(`[data-kpi="${key}"] [data-kpi-value]`).textContent();

async function fixtureApp(env: Record<string, string> = {}): Promise<TestApp> {
  const t = await createTestApp({ ...AUTH_ENV, ...env });
  insertFixture(t);
  registerSite(t, SITE, "The Shop");
  registerSite(t, "blog");
  insertViews(t, [
    { site_id: "blog", visitor_id: "b1", session_id: "x1", created_at: `${D2}T08:00:00.000Z` },
    { site_id: "blog", visitor_id: "b1", session_id: "x1", created_at: `${D2}T08:05:00.000Z` },
  ]);
  await refreshRollups(t.services);
  return t;
}

Deno.test({
  name: "e2e: sign in, dashboard figures, selectors, exclude a visitor, CSV, live polling",
  ...BROWSER_TEST,
  async fn() {
    const t = await fixtureApp();
    const server = serveTestApp(t);
    const browser = await openBrowser();
    const base = server.baseUrl;
    try {
      const { page, context, errors } = browser;
      await watchCsp(context);

      // Sign in through the real form.
      await page.goto(`${base}/admin`);
      assert.equal(new URL(page.url()).pathname, "/admin/login");
      await page.fill("input[name=username]", TEST_USERNAME);
      await page.fill("input[name=password]", TEST_PASSWORD);
      await Promise.all([page.waitForURL(`${base}/admin`), page.click("button[type=submit]")]);
      await page.waitForSelector("html[data-hydrated=true]");
      assert.deepEqual(await page.evaluate(violations), []);

      // Two sites: the dashboard adds them up (30 days: 14 fixture views + 2 on the blog).
      assert.match(await page.locator("h1 + p").textContent() ?? "", /All sites · 30 days/);
      assert.equal(await kpi(page, "visits"), "16");
      assert.equal(await page.locator("#sites-table tbody tr").count(), 2);

      // Site selector → the shop alone, with its top lists and live panel.
      await page.selectOption("#site-select", SITE);
      await Promise.all([page.waitForURL(/site=shop/), page.click("#site-form button")]);
      await page.waitForSelector("html[data-hydrated=true]");
      assert.equal(await kpi(page, "visits"), "14");
      assert.equal(await kpi(page, "unique_visitors"), "9");
      assert.equal(await kpi(page, "bounce_rate"), "50.0%");
      assert.equal(
        await page.locator("#top-pages-table tbody tr").first().getAttribute("data-rank"),
        "/",
      );
      assert.equal(await page.locator("[data-live-panel=active]").textContent(), "1");

      // Period selector → today only, compared with yesterday.
      await Promise.all([
        page.waitForURL(/days=1/),
        page.click("#period-choices a:has-text('Today')"),
      ]);
      await page.waitForSelector("html[data-hydrated=true]");
      assert.equal(await kpi(page, "visits"), "5");
      assert.equal(await kpi(page, "unique_visitors"), "3");
      assert.match(
        await page.locator('[data-kpi="visits"] [data-kpi-delta]').textContent() ?? "",
        /▼ 37\.5%/,
      );
      // …and the other site keeps the period.
      await page.selectOption("#site-select", "blog");
      await Promise.all([page.waitForURL(/site=blog/), page.click("#site-form button")]);
      assert.match(page.url(), /days=1/);
      assert.equal(await kpi(page, "visits"), "2");
      assert.equal(await kpi(page, "bounce_rate"), "0.0%");

      // The overview CSV through the button: an attachment with the selection's figures.
      await page.goto(`${base}/admin?site=${SITE}&days=7`);
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page.click("a[data-export=overview]"),
      ]);
      assert.equal(
        download.suggestedFilename(),
        "echelon-shop-overview-2026-11-14_2026-11-20.csv",
      );
      const csv = await Deno.readTextFile((await download.path())!);
      assert.match(csv, /^# Echelon Analytics overview\r\n/);
      assert.match(csv, /\r\n# Summary\r\nmetric,value,previous,change,change_pct\r\n/);
      assert.match(csv, /\r\npageviews,14,0,14,\r\n/);
      assert.match(csv, /\r\n# Top pages\r\npath,pageviews,visitors\r\n\/,7,7\r\n/);

      // Open a visitor from the Visitors page and exclude them.
      await visit(page, `${base}/admin/visitors?site=${SITE}`, errors);
      await Promise.all([
        page.waitForURL(/\/admin\/visitors\/v1$/),
        page.click('tr[data-visitor="v1"] a[href="/admin/visitors/v1"]'),
      ]);
      await Promise.all([
        page.waitForURL(/notice=excluded/),
        page.click("form[data-visitor-action=exclude] button"),
      ]);
      assert.match(await page.locator("[role=status]").first().textContent() ?? "", /excluded/i);
      assert.equal(await page.locator("form[data-visitor-action=include]").count(), 1);
      const rows = t.services.db.all<{ visitor_id: string }>(
        "SELECT visitor_id FROM excluded_visitors ORDER BY visitor_id",
      );
      assert.deepEqual(rows.map((r) => r.visitor_id), ["excluded", "v1"]);
      // The next rollup (a minute job) rebuilds the days v1 appears on: 3 views fewer.
      await refreshRollups(t.services);
      await visit(page, `${base}/admin?site=${SITE}`, errors);
      assert.equal(await kpi(page, "visits"), "11");
      assert.equal(await kpi(page, "unique_visitors"), "8");

      // Every page of the navigation (and the per-site pages) without a CSP violation.
      for (const item of ADMIN_NAV) await visit(page, `${base}${item.href}?site=${SITE}`, errors);
      await visit(page, `${base}/admin/realtime?site=${SITE}`, errors);
      assert.equal(await page.locator("[data-realtime=active]").textContent(), "1");
      await visit(page, `${base}/admin/visitors/v6`, errors);

      // On a phone the dashboard and realtime pages never scroll sideways.
      await page.setViewportSize({ width: 375, height: 740 });
      for (const path of [`/admin?site=${SITE}`, `/admin/realtime?site=${SITE}`, "/admin"]) {
        await visit(page, `${base}${path}`, errors);
        const overflow = await page.evaluate(() =>
          document.documentElement.scrollWidth - document.documentElement.clientWidth
        );
        assert.ok(overflow <= 0, `${path} scrolls sideways by ${overflow}px on a phone`);
      }
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
      await server.close();
    }
  },
});

Deno.test({
  name: "e2e: the live panels poll every 10 s with the session, and pause while hidden",
  ...BROWSER_TEST,
  async fn() {
    const t = await fixtureApp();
    const server = serveTestApp(t);
    const browser = await openBrowser();
    const base = server.baseUrl;
    try {
      const { page, context, errors } = browser;
      await watchCsp(context);
      // Sign in (a form post), then take the clock over for the polling page.
      await page.goto(`${base}/admin/login`);
      await page.fill("input[name=username]", TEST_USERNAME);
      await page.fill("input[name=password]", TEST_PASSWORD);
      await Promise.all([page.waitForURL(`${base}/admin`), page.click("button[type=submit]")]);

      const live = await context.newPage();
      const liveErrors: string[] = [];
      watchErrors(live, liveErrors);
      await live.clock.install();
      // Responses in arrival order; whether each request carried the session cookie is read
      // asynchronously, so `settled()` waits for those reads before an assertion.
      const polls: { url: string; status: number; cookie: boolean }[] = [];
      const reads: Promise<void>[] = [];
      live.on("response", (res) => {
        if (!res.url().includes("/api/stats/")) return;
        const poll = {
          url: new URL(res.url()).pathname + new URL(res.url()).search,
          status: res.status(),
          cookie: false,
        };
        polls.push(poll);
        reads.push(
          res.request().allHeaders().then((headers) => {
            poll.cookie = /echelon_session=/.test(headers.cookie ?? "");
          }),
        );
      });
      const settled = () => Promise.all(reads);
      await live.goto(`${base}/admin?site=${SITE}`);
      await live.waitForSelector("html[data-hydrated=true]");
      await live.clock.runFor(1_000); // effects run (Preact schedules them after a frame)
      assert.equal(polls.length, 0);
      assert.equal(await live.locator("[data-live-panel=active]").textContent(), "1");

      // A visitor arrives; the next tick shows them.
      insertViews(t, [{ visitor_id: "newcomer", path: "/new", created_at: `${D2}T11:59:50.000Z` }]);
      await Promise.all([
        live.waitForResponse((r) => r.url().includes("/api/stats/dashboard")),
        live.clock.runFor(10_000),
      ]);
      await live.waitForSelector("[data-live-panel=active]:text-is('2')");
      await settled();
      assert.deepEqual(polls, [
        { url: "/api/stats/dashboard?site_id=shop", status: 200, cookie: true },
      ]);
      assert.equal(await live.locator("#live-panel").getAttribute("data-status"), "live");
      await Promise.all([
        live.waitForResponse((r) => r.url().includes("/api/stats/dashboard")),
        live.clock.runFor(10_000),
      ]);
      assert.equal(polls.length, 2);

      // Hidden: no request for a minute; shown again: one at once.
      await live.evaluate(() => {
        Object.defineProperty(document, "visibilityState", { value: "hidden", configurable: true });
        document.dispatchEvent(new Event("visibilitychange"));
      });
      await live.clock.runFor(60_000);
      assert.equal(polls.length, 2, "no polling while hidden");
      assert.equal(await live.locator("#live-panel").getAttribute("data-status"), "paused");
      await Promise.all([
        live.waitForResponse((r) => r.url().includes("/api/stats/dashboard")),
        live.evaluate(() => {
          Object.defineProperty(document, "visibilityState", {
            value: "visible",
            configurable: true,
          });
          document.dispatchEvent(new Event("visibilitychange"));
        }),
      ]);
      assert.equal(polls.length, 3);
      await live.waitForSelector("#live-panel[data-status=live]");

      // The realtime page asks both endpoints each tick.
      polls.length = 0;
      await live.goto(`${base}/admin/realtime?site=${SITE}`);
      await live.waitForSelector("html[data-hydrated=true]");
      await live.clock.runFor(1_000);
      await Promise.all([
        live.waitForResponse((r) => r.url().includes("/api/stats/realtime")),
        live.clock.runFor(10_000),
      ]);
      await live.waitForSelector("[data-realtime=active]:text-is('2')");
      await settled();
      assert.deepEqual(polls.map((p) => p.url).sort(), [
        "/api/stats/dashboard?site_id=shop",
        "/api/stats/realtime?site_id=shop",
      ]);
      assert.ok(polls.every((p) => p.status === 200 && p.cookie));
      assert.match(await live.locator("#realtime-pages").textContent() ?? "", /\/new/);

      // Signed out elsewhere: the panel stops instead of polling a 401 forever.
      await page.goto(`${base}/admin`);
      await Promise.all([page.waitForURL(/\/admin\/login/), page.click("#logout-form button")]);
      polls.length = 0;
      await Promise.all([
        live.waitForResponse((r) => r.url().includes("/api/stats/")),
        live.clock.runFor(10_000),
      ]);
      await live.waitForSelector("#realtime-panel[data-status=signed_out]");
      const stopped = polls.length;
      await live.clock.runFor(60_000);
      assert.equal(polls.length, stopped, "no polling after a 401");
      assert.ok(polls.some((p) => p.status === 401));
      assert.deepEqual(await live.evaluate(violations), []);
      // The browser logs failed fetches (401) as console errors; nothing else may appear.
      assert.deepEqual(liveErrors.filter((e) => !/status of 401/.test(e)), []);
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
      await server.close();
    }
  },
});

Deno.test({
  name: "e2e: public mode — every public admin page read-only, no CSP violation, live panel polls",
  ...BROWSER_TEST,
  async fn() {
    const t = await fixtureApp({ ECHELON_PUBLIC_MODE: "true" });
    const server = serveTestApp(t);
    const browser = await openBrowser();
    const base = server.baseUrl;
    try {
      const { page, context, errors } = browser;
      await watchCsp(context);
      // The pages public mode serves (lib/public/policy.ts; the navigation links only those).
      const nav = ADMIN_NAV.filter((item) => isPublicPage(item.href));
      assert.ok(nav.length >= 9 && nav.length < ADMIN_NAV.length, "settings and sites are not");
      const pages = [
        ...nav.map((item) => item.href),
        ...nav.filter((item) => item.keepsSelection).map((item) => `${item.href}?site=shop`),
      ];
      for (const path of pages) {
        await visit(page, `${base}${path}`, errors);
        assert.equal(await page.locator("form[method=post]").count(), 0, `${path}: post form`);
        // Every button is the theme switch or submits a GET form (filters, selectors).
        const buttons = await page.locator("button").evaluateAll((list) =>
          list.map((b) => ({
            id: b.id,
            type: b.getAttribute("type"),
            method: b.closest("form")?.getAttribute("method") ?? null,
            text: b.textContent?.trim() ?? "",
          }))
        );
        for (const button of buttons) {
          assert.ok(
            button.id === "theme-toggle" || (button.type === "submit" && button.method === "get"),
            `${path}: a button that may write: ${JSON.stringify(button)}`,
          );
        }
        assert.equal(
          await page.locator("a[data-export=views], a[data-export=events]").count(),
          0,
          `${path}: per-hit exports hidden`,
        );
        assert.equal(await page.locator('a[href^="/admin/visitors/"]').count(), 0, path);
        const links = await page.locator("nav[aria-label=Admin] a").evaluateAll((list) =>
          list.map((a) => new URL((a as HTMLAnchorElement).href).pathname)
        );
        assert.deepEqual(links, nav.map((item) => item.href), `${path}: the navigation`);
      }
      // The live panel reads the public API without a session.
      await page.clock.install();
      await page.goto(`${base}/admin?site=${SITE}`);
      await page.waitForSelector("html[data-hydrated=true]");
      await page.clock.runFor(1_000);
      const [res] = await Promise.all([
        page.waitForResponse((r) => r.url().includes("/api/stats/dashboard")),
        page.clock.runFor(10_000),
      ]);
      assert.equal(res.status(), 200);
      assert.equal(await page.locator("#live-panel").getAttribute("data-status"), "live");
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
      await server.close();
    }
  },
});
