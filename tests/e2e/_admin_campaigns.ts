// Browser steps the campaign tests share: sign in through the login form, and register a
// campaign with the admin form (landing on its page with the "registered" notice).
import type { Page } from "playwright-core";
import { TEST_PASSWORD, TEST_USERNAME } from "../_auth.ts";

export async function signIn(tab: Page, app: string): Promise<void> {
  await tab.goto(`${app}/admin/login`);
  await tab.fill('input[name="username"]', TEST_USERNAME);
  await tab.fill('input[name="password"]', TEST_PASSWORD);
  await Promise.all([tab.waitForURL(/\/admin(\?|$)/), tab.click('button[type="submit"]')]);
}

export async function registerCampaign(
  tab: Page,
  app: string,
  campaign: { utmCampaign: string; name: string; siteId: string },
): Promise<void> {
  await tab.goto(`${app}/admin/campaigns`);
  const form = tab.locator("#new-campaign");
  await form.locator('input[name="utm_campaign"]').fill(campaign.utmCampaign);
  await form.locator('input[name="name"]').fill(campaign.name);
  await form.locator('input[name="site_id"]').fill(campaign.siteId);
  const created = new RegExp(
    `/admin/campaigns/${campaign.utmCampaign}\\?notice=campaign_created$`,
  );
  await Promise.all([tab.waitForURL(created), form.locator('button[type="submit"]').click()]);
}
