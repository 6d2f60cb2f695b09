// Chromium: every admin page of this suite loads signed in, hydrates, and raises no page error
// and no CSP violation; the plain forms work without JavaScript help (filter, pager, exclude);
// on a phone-sized screen the page itself never scrolls sideways (tables scroll in their card).
import assert from "node:assert/strict";
import { loginCookie } from "../_auth.ts";
import { AUTH_ENV } from "../_auth.ts";
import { createTestApp, serveTestApp } from "../_helpers.ts";
import { insertEvents, insertViews, registerSite } from "../_admin.ts";
import { BROWSER_TEST, openBrowser } from "./_browser.ts";

const PAGES = [
  "/admin/visitors",
  "/admin/visitors/visitor-0001",
  "/admin/views",
  "/admin/journeys?site=shop",
  "/admin/events",
  "/admin/bots",
  "/admin/sites",
  "/admin/sites/shop",
  "/admin/sites/shop/delete",
  "/admin/settings",
];

Deno.test({
  name: "e2e: admin pages load without errors or CSP violations, on desktop and phone",
  ...BROWSER_TEST,
  async fn() {
    const t = await createTestApp({ ...AUTH_ENV });
    registerSite(t, "shop", "The Shop");
    insertViews(
      t,
      Array.from({ length: 60 }, (_, i) => ({
        visitor_id: `visitor-${String(i % 20).padStart(4, "0")}`,
        path: `/products/${i}?ref=a-very-long-query-string-that-makes-the-row-wide`,
        country_code: "FI",
        device_type: i % 2 ? "mobile" : "desktop",
        browser_name: "Firefox",
        bot_score: i % 9 === 0 ? 70 : 0,
        bot_score_detail: i % 9 === 0 ? '{"pow":25,"pow_result":"invalid","burst":25}' : null,
        pow_verdict: i % 9 === 0 ? "invalid" : "valid",
        created_at: new Date(t.clock.now - i * 60_000).toISOString(),
      })),
    );
    insertEvents(t, [
      {
        visitor_id: "visitor-0001",
        event_type: "custom",
        event_name: "signup",
        data: '{"plan":"pro"}',
      },
      { visitor_id: "visitor-0002", event_type: "click", data: '{"tag":"a"}' },
    ]);
    const cookie = await loginCookie(t);
    const server = serveTestApp(t);
    const browser = await openBrowser();
    try {
      const { page, errors, context } = browser;
      const [name, value] = cookie.split("=");
      await context.addCookies([{ name, value, url: server.baseUrl }]);
      await page.addInitScript(() => {
        document.addEventListener("securitypolicyviolation", (e) => {
          console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
        });
      });

      for (const viewport of [{ width: 1280, height: 900 }, { width: 375, height: 740 }]) {
        await page.setViewportSize(viewport);
        for (const path of PAGES) {
          const res = await page.goto(`${server.baseUrl}${path}`);
          assert.equal(res?.status(), 200, path);
          await page.waitForSelector("html[data-hydrated=true]");
          assert.equal(await page.locator("h1").count(), 1, path);
          const overflow = await page.evaluate(() =>
            document.documentElement.scrollWidth - document.documentElement.clientWidth
          );
          assert.ok(
            overflow <= 0,
            `${path} at ${viewport.width}px scrolls sideways by ${overflow}px`,
          );
        }
      }
      assert.deepEqual(errors, []);

      // Plain forms and links, no JavaScript needed: filter, page forward, exclude a visitor.
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.goto(`${server.baseUrl}/admin/views`);
      await page.selectOption("#filters select[name=device]", "mobile");
      await Promise.all([
        page.waitForURL(/device=mobile/),
        page.click("#filters button[type=submit]"),
      ]);
      assert.equal(await page.locator("#views-table tbody tr").count(), 30);
      await page.goto(`${server.baseUrl}/admin/views`);
      await Promise.all([page.waitForURL(/after=/), page.click("a[data-pager=next]")]);
      assert.equal(await page.locator("#views-table tbody tr").count(), 10);

      await page.goto(`${server.baseUrl}/admin/visitors/visitor-0001`);
      await Promise.all([
        page.waitForURL(/notice=excluded/),
        page.click("form[data-visitor-action=exclude] button"),
      ]);
      assert.match(await page.locator("[role=status]").first().textContent() ?? "", /excluded/i);
      assert.equal(
        t.services.db.get<{ n: number }>("SELECT COUNT(*) AS n FROM excluded_visitors")!.n,
        1,
      );
      // An annotation added and deleted through the dashboard's plain forms (no JavaScript).
      await page.goto(`${server.baseUrl}/admin?site=shop&days=7`);
      await page.fill("#annotation-add input[name=date]", "2026-11-18");
      await page.fill("#annotation-add input[name=text]", "Newsletter sent");
      await Promise.all([
        page.waitForURL(/notice=annotation_saved/),
        page.click("#annotation-add button[type=submit]"),
      ]);
      assert.equal(
        await page.locator('#trend-chart g[data-annotation-point="2026-11-18"]').count(),
        1,
      );
      assert.match(await page.locator("#annotations li").textContent() ?? "", /Newsletter sent/);
      await Promise.all([
        page.waitForURL(/notice=annotation_deleted/),
        page.click("#annotations li button[type=submit]"),
      ]);
      assert.equal(await page.locator("#trend-chart g[data-annotation-point]").count(), 0);
      assert.equal(
        t.services.db.get<{ n: number }>("SELECT COUNT(*) AS n FROM annotations")!.n,
        0,
      );

      // The score breakdown opens without JavaScript (<details>).
      await page.goto(`${server.baseUrl}/admin/visitors/visitor-0000`);
      await page.locator("details summary").first().click();
      assert.match(
        await page.locator("table[data-breakdown]").first().textContent() ?? "",
        /burst/,
      );
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
      await server.close();
    }
  },
});
