// Chromium, end to end: sign in, create an experiment with the form island (rows added and
// removed in place), start it, then open a customer's page (another origin, the real tracker) in
// several fresh tabs that call `window.echelon.experiment(id)` (no variants: the tracker fetches
// the experiment's own weights) and, in some of them, convert with
// `echelon.track(metric)`; the experiment page then shows those exposures and conversions.
import assert from "node:assert/strict";
import { TEST_PASSWORD, TEST_USERNAME } from "../_auth.ts";
import { AUTH_ENV } from "../_auth.ts";
import { BROWSER_TEST, openTracker, page } from "./_tracker.ts";

const ID = "e2e-hero";
const METRIC = "signup";
const TABS = 6;

const FIXTURE = page(
  `<h1>Pricing</h1><button id="buy">Sign up</button>
   <script>
     // Without variants: the tracker fetches the experiment's own (GET /x) and answers a promise.
     window.echelon.experiment(${JSON.stringify(ID)}).then((variant) => {
       document.body.dataset.variant = variant;
     });
     document.getElementById("buy").addEventListener("click", () => {
       window.echelon.track(${JSON.stringify(METRIC)}, { plan: "pro" });
       document.body.dataset.converted = "yes";
     });
   </script>`,
);

Deno.test({
  name: "e2e: create, start, expose and convert in real tabs, see the results",
  ...BROWSER_TEST,
  async fn() {
    const h = await openTracker({
      env: { ...AUTH_ENV, ECHELON_RATE_LIMIT_MAX: "0" },
      pages: { "/pricing": FIXTURE },
    });
    try {
      const admin = h.page;
      await admin.addInitScript(() => {
        document.addEventListener("securitypolicyviolation", (e) => {
          console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
        });
      });

      // Sign in through the form.
      await admin.goto(`${h.app}/admin/login?next=/admin/experiments`);
      await admin.fill('input[name="username"]', TEST_USERNAME);
      await admin.fill('input[name="password"]', TEST_PASSWORD);
      await Promise.all([
        admin.waitForURL(/\/admin\/experiments$/),
        admin.click('button[type="submit"]'),
      ]);

      // Create: the island adds and removes a row without a round trip.
      await admin.click("#new-experiment");
      await admin.waitForSelector("html[data-hydrated=true]");
      const rows = () => admin.locator("tr[data-variant-row]").count();
      assert.equal(await rows(), 2);
      const url = admin.url();
      await admin.click("#add-variant");
      assert.equal(await rows(), 3);
      assert.equal(admin.url(), url, "no navigation: the island changed the rows");
      await admin.click('button[aria-label="Remove variant 3"]');
      assert.equal(await rows(), 2);
      await admin.fill('input[name="experiment_id"]', ID);
      await admin.fill('input[name="name"]', "Hero headline");
      await admin.fill('input[name="site_id"]', "fixture");
      await admin.fill('input[name="metric"]', METRIC);
      await Promise.all([
        admin.waitForURL(new RegExp(`/admin/experiments/${ID}\\?done=created$`)),
        admin.click('#experiment-form button[value="save"]:not([tabindex="-1"])'),
      ]);
      assert.match(await admin.textContent("main") ?? "", /Experiment created as a draft/);

      // Start it with its button.
      await Promise.all([
        admin.waitForURL(/done=active$/),
        admin.click('form[data-transition="active"] button'),
      ]);
      assert.equal(await admin.getAttribute("[data-status]", "data-status"), "active");

      // Visitors: fresh tabs (one tab session each) on the customer's site.
      const tally: Record<string, { exposed: number; converted: number }> = {
        control: { exposed: 0, converted: 0 },
        variant: { exposed: 0, converted: 0 },
      };
      for (let i = 0; i < TABS; i++) {
        const tab = await h.browser.context.newPage();
        await tab.goto(`${h.site}/pricing`);
        await tab.waitForSelector("body[data-variant]");
        const variant = await tab.getAttribute("body", "data-variant");
        assert.ok(variant === "control" || variant === "variant", String(variant));
        tally[variant].exposed++;
        if (i % 2 === 0) {
          await tab.click("#buy");
          await tab.waitForSelector("body[data-converted=yes]");
          tally[variant].converted++;
        }
        await h.waitFor(
          () => h.events("exposure").length === i + 1,
          `exposure of tab ${i + 1}`,
        );
        await tab.close();
      }
      await h.waitFor(() => h.events("custom").length === TABS / 2, "the conversions");
      const stored = (await h.stored()).events;
      const exposures = stored.filter((r) => r.event_type === "exposure");
      assert.equal(exposures.length, TABS);
      assert.ok(exposures.every((r) => r.experiment_id === ID && r.site_id === "fixture"));
      assert.ok(
        stored.every((r) => Number(r.bot_score) < 50),
        `scores ${JSON.stringify(stored.map((r) => [r.event_type, r.bot_score_detail]))}`,
      );
      assert.equal(new Set(exposures.map((r) => r.session_id)).size, TABS, "one session per tab");

      // The experiment page counts them.
      await admin.goto(`${h.app}/admin/experiments/${ID}`);
      await admin.waitForSelector("html[data-hydrated=true]");
      const cell = (variant: string, name: string) =>
        admin.textContent(`tr[data-variant="${variant}"] [data-cell="${name}"]`);
      for (const variant of ["control", "variant"]) {
        assert.equal(await cell(variant, "exposures"), String(tally[variant].exposed), variant);
        assert.equal(await cell(variant, "conversions"), String(tally[variant].converted), variant);
      }
      assert.equal(await admin.textContent('[data-total="exposures"]'), String(TABS));
      assert.equal(await admin.textContent('[data-total="conversions"]'), String(TABS / 2));
      assert.match(await admin.textContent("#experiment-notes") ?? "", /Fewer than 100 exposures/);

      // On a phone-sized screen neither page scrolls sideways (tables scroll in their card).
      await admin.setViewportSize({ width: 375, height: 740 });
      for (
        const path of [`/admin/experiments/${ID}`, "/admin/experiments/new", "/admin/experiments"]
      ) {
        await admin.goto(`${h.app}${path}`);
        await admin.waitForSelector("html[data-hydrated=true]");
        const overflow = await admin.evaluate(() =>
          document.documentElement.scrollWidth - document.documentElement.clientWidth
        );
        assert.ok(overflow <= 0, `${path} scrolls sideways by ${overflow}px`);
      }
      assert.deepEqual(h.browser.errors, []);
    } finally {
      await h.close();
    }
  },
});
