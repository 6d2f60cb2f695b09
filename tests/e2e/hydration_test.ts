// Chromium: signing in through the login form (no JavaScript needed) lands on the admin page,
// which loads its built assets, hydrates the island, and a click changes the DOM and persists the
// theme across a reload — with no page error and no CSP violation.
import assert from "node:assert/strict";
import { AUTH_ENV, TEST_PASSWORD, TEST_USERNAME } from "../_auth.ts";
import { createTestApp, serveTestApp } from "../_helpers.ts";
import { BROWSER_TEST, openBrowser } from "./_browser.ts";

Deno.test({
  name: "e2e: sign in through the form; the theme island hydrates, toggles and persists",
  ...BROWSER_TEST,
  async fn() {
    const t = await createTestApp(AUTH_ENV);
    const server = serveTestApp(t);
    const browser = await openBrowser();
    try {
      const { page, errors } = browser;
      await page.addInitScript(() => {
        document.addEventListener("securitypolicyviolation", (e) => {
          console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
        });
      });
      await page.emulateMedia({ colorScheme: "light" });
      await page.goto(`${server.baseUrl}/admin`);
      assert.equal(new URL(page.url()).pathname, "/admin/login", "anonymous → login form");
      await page.fill("input[name=username]", TEST_USERNAME);
      await page.fill("input[name=password]", TEST_PASSWORD);
      await Promise.all([
        page.waitForURL(`${server.baseUrl}/admin`),
        page.click("button[type=submit]"),
      ]);
      await page.waitForSelector("html[data-hydrated=true]");
      const button = page.locator("#theme-toggle");
      // The island learns the theme in an effect, which runs after hydration: wait for it.
      await page.waitForSelector("#theme-toggle[data-theme=light]", { timeout: 5000 });
      assert.equal(await button.getAttribute("data-theme"), "light");
      assert.equal(
        await page.evaluate(() => document.documentElement.classList.contains("dark")),
        false,
      );

      await button.click();
      await page.waitForSelector("#theme-toggle[data-theme=dark]");
      assert.equal(
        await page.evaluate(() => document.documentElement.classList.contains("dark")),
        true,
      );
      assert.match(await button.textContent() ?? "", /Light/);

      // Tailwind's dark variant applies to the body once the class is set.
      const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      assert.notEqual(
        background,
        "rgb(248, 250, 252)",
        `dark background expected, got ${background}`,
      );

      await page.reload();
      await page.waitForSelector("html[data-hydrated=true]");
      assert.equal(
        await page.locator("#theme-toggle").getAttribute("data-theme"),
        "dark",
        "choice persisted",
      );
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
      await server.close();
    }
  },
});
