// Chromium, end to end: sign in through the login form, register a campaign with the admin form,
// visit a customer page (another origin, embedding /ea.js) through a link tagged with it, and see
// the visit counted on the campaign's page; then pause it with its button and see the next tagged
// visit stored without UTM values (the whitelist follows the button at once).
import assert from "node:assert/strict";
import { AUTH_ENV } from "../_auth.ts";
import { registerCampaign, signIn } from "./_admin_campaigns.ts";
import { AUTOMATED_SCORE, BROWSER_TEST, openTracker, page } from "./_tracker.ts";

Deno.test({
  name: "e2e campaigns: create in the UI, visit with its UTM through the tracker, see it counted",
  ...BROWSER_TEST,
  async fn() {
    const h = await openTracker({
      env: { ...AUTH_ENV },
      pages: { "/landing": page("<h1>Autumn sale</h1><p>Everything must go.</p>") },
    });
    try {
      const tab = h.page;
      await signIn(tab, h.app);
      await registerCampaign(tab, h.app, {
        utmCampaign: "autumn-sale",
        name: "Autumn sale",
        siteId: "fixture",
      });
      assert.match(await tab.locator("main").innerText(), /Campaign registered/);

      // The visit: the tracker sends its page view after a trusted interaction.
      const visit = async () => {
        const before = h.views.length;
        await tab.goto(`${h.site}/landing?utm_campaign=autumn-sale&utm_source=newsletter`);
        await tab.waitForTimeout(1200); // a human-paced first interaction (no timing points)
        await tab.mouse.click(20, 20);
        await h.waitFor(() => h.views.length === before + 1, "the page view");
      };
      await visit();
      const [view] = (await h.stored()).views;
      assert.deepEqual(
        [view.site_id, view.path, view.utm_campaign, view.utm_source, view.bot_score],
        ["fixture", "/landing", "autumn-sale", "newsletter", AUTOMATED_SCORE],
      );

      await tab.goto(`${h.app}/admin/campaigns/autumn-sale`);
      const figures = tab.locator("#campaign-figures");
      assert.match(await figures.innerText(), /views\s+1\b/i);
      assert.match(await figures.innerText(), /visitors\s+1\b/i);
      assert.equal(
        await tab.locator('#by-source tr[data-value="newsletter"] td').nth(1).innerText(),
        "1",
      );
      assert.equal(await tab.locator("#campaign-trend g[data-value='1']").count(), 1);
      await tab.goto(`${h.app}/admin/campaigns`);
      const row = tab.locator('tr[data-campaign="autumn-sale"] td');
      assert.equal(await row.nth(4).innerText(), "1", "views in the list");

      // Pause with the status button, then visit again: the UTM values are no longer recorded.
      await tab.goto(`${h.app}/admin/campaigns/autumn-sale`);
      await Promise.all([
        tab.waitForURL(/notice=campaign_saved/),
        tab.click('button[data-set-status="paused"]'),
      ]);
      assert.match(await tab.locator("main").innerText(), /This campaign is paused/);
      await visit();
      const stored = (await h.stored()).views;
      assert.equal(stored.length, 2);
      assert.deepEqual([stored[1].utm_campaign, stored[1].utm_source], [null, null]);
      assert.deepEqual(h.browser.errors, []);
    } finally {
      await h.close();
    }
  },
});
