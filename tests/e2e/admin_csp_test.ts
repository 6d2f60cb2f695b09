// Chromium: EVERY admin page the router knows (enumerated from routes/, never hand-picked; the
// `[id]` of each is filled from a fixture) loads signed in, and in public mode, without a CSP
// violation, a page error or a console error. A new admin page is covered the day it is added.
import assert from "node:assert/strict";
import { AUTH_ENV, loginCookie } from "../_auth.ts";
import { insertEvents, insertViews, registerSite } from "../_admin.ts";
import { createTestApp, serveTestApp, type TestApp } from "../_helpers.ts";
import { listRoutes, pathOf, type RouteInfo } from "../fuzz/_routes.ts";
import { changeStatus, createExperiment } from "../../lib/experiments/mod.ts";
import { BROWSER_TEST, openBrowser } from "./_browser.ts";

/** The `:id` of each parameterised admin route, by route file. */
const IDS: Record<string, string> = {
  "admin/bots/[id].ts": "visitor-0001",
  "admin/campaigns/[id].tsx": "spring",
  "admin/campaigns/[id]/delete.tsx": "spring",
  "admin/experiments/[id].tsx": "checkout",
  "admin/experiments/[id]/edit.tsx": "draft-test",
  "admin/settings/keys/[id]/revoke.ts": "k1",
  "admin/sites/[id].tsx": "shop",
  "admin/sites/[id]/delete.tsx": "shop",
  "admin/sites/[id]/goals.tsx": "shop",
  "admin/sites/[id]/funnels.tsx": "shop",
  "admin/sites/[id]/retention.tsx": "shop",
  "admin/visitors/[id].tsx": "visitor-0001",
};

async function seed(t: TestApp): Promise<void> {
  registerSite(t, "shop", "The Shop");
  insertViews(
    t,
    Array.from({ length: 30 }, (_, i) => ({
      visitor_id: `visitor-${String(i % 10).padStart(4, "0")}`,
      path: `/products/${i}`,
      utm_campaign: i % 3 ? null : "spring",
      utm_source: i % 3 ? null : "newsletter",
      bot_score: i % 7 === 0 ? 70 : 0,
      created_at: new Date(t.clock.now - i * 60_000).toISOString(),
    })),
  );
  insertEvents(t, [{ visitor_id: "visitor-0001", event_type: "custom", event_name: "signup" }]);
  // A note on the trend (marker, list and, signed in, its forms).
  t.services.db.run(
    "INSERT INTO annotations (site_id, day, text, source) VALUES ('shop', '2026-11-19', 'Deploy', 'api')",
  );
  t.services.db.run(
    "INSERT INTO goals (site_id, name, kind, event_name) VALUES ('shop', 'Signup', 'event', 'signup')",
  );
  t.services.db.run(
    `INSERT INTO funnels (site_id, name, steps) VALUES ('shop', 'Products', '[{"page":"/products/**"},{"event_name":"signup"}]')`,
  );
  t.services.db.run(
    "INSERT INTO utm_campaigns (id, name, utm_campaign, site_id) VALUES ('spring', 'Spring', 'spring', 'shop')",
  );
  const variants = [
    { variant_id: "a", weight: 50, is_control: true },
    { variant_id: "b", weight: 50 },
  ];
  for (const id of ["checkout", "draft-test"]) {
    await createExperiment(t.services.store, {
      experiment_id: id,
      name: id,
      site_id: "shop",
      metric: "signup",
      variants,
    }, t.clock.now - 86_400_000);
  }
  await changeStatus(t.services.store, {
    id: "checkout",
    to: "active",
    now: t.clock.now - 3_600_000,
  });
}

async function adminPageRoutes(): Promise<RouteInfo[]> {
  const routes = (await listRoutes()).filter((r) =>
    r.file.startsWith("admin/") && r.methods.includes("GET")
  );
  for (const route of routes) {
    if (route.paramNames.length > 0) {
      assert.ok(IDS[route.file], `no fixture id for the new admin route ${route.file}`);
    }
  }
  return routes;
}

for (const mode of ["signed in", "public"] as const) {
  Deno.test({
    name: `e2e: every admin page from the router loads without CSP violation or error (${mode})`,
    ...BROWSER_TEST,
    async fn() {
      const env = mode === "public" ? { ECHELON_PUBLIC_MODE: "true" } : { ...AUTH_ENV };
      const t = await createTestApp(env);
      await seed(t);
      const routes = await adminPageRoutes();
      assert.ok(routes.length >= 20, `${routes.length} admin routes found`);
      const server = serveTestApp(t);
      const browser = await openBrowser();
      try {
        const { page, errors, context } = browser;
        if (mode === "signed in") {
          const [name, value] = (await loginCookie(t)).split("=");
          await context.addCookies([{ name, value, url: server.baseUrl }]);
        }
        const violations: string[] = [];
        await page.exposeFunction("reportViolation", (text: string) => violations.push(text));
        await page.addInitScript(() => {
          document.addEventListener("securitypolicyviolation", (e) => {
            // deno-lint-ignore no-explicit-any
            (globalThis as any).reportViolation(`${e.violatedDirective} ${e.blockedURI}`);
          });
        });
        const loaded: string[] = [];
        for (const route of routes) {
          const path = pathOf(route, () => IDS[route.file] ?? "");
          const res = await page.goto(`${server.baseUrl}${path}`);
          const status = res?.status() ?? 0;
          // Redirecting routes (logout, revoke, old URLs) land on a page that is checked too;
          // public mode answers the pages it does not offer with 404 or 403.
          assert.ok(status < 500, `${path}: ${status}`);
          if ((res?.headers()["content-type"] ?? "").startsWith("text/html")) {
            await page.waitForLoadState("load");
            loaded.push(`${path} → ${status}`);
          }
          assert.deepEqual(violations, [], `CSP violations on ${path}`);
          // A refused page (public mode's 403/404) logs its own status as a console error.
          const own = `the server responded with a status of ${status}`;
          const pageErrors = errors.splice(0).filter((e) => status < 400 || !e.includes(own));
          assert.deepEqual(pageErrors, [], `errors on ${path}`);
        }
        assert.ok(loaded.length >= routes.length - 2, loaded.join("\n"));
        // The control: an inline script added to the last page is blocked and reported.
        await page.evaluate(() => {
          const script = document.createElement("script");
          script.textContent = "document.title = 'inline ran'";
          document.body.append(script);
        });
        await page.waitForTimeout(100);
        assert.match(violations.join(), /script-src/);
        assert.notEqual(await page.title(), "inline ran");
      } finally {
        await browser.close();
        await server.close();
      }
    },
  });
}
