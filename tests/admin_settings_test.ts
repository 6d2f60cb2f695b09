// /admin/settings: the display time zone (validated, stored, used by every page), the debug switch
// (stored, effective on the collectors at once, locked by ECHELON_DEBUG=true) and the default
// consent CSS (sanitised, stored, handed to sites without their own).
import assert from "node:assert/strict";
import { adminApp, adminHtml, adminPost, insertViews, registerSite } from "./_admin.ts";
import { beaconUrl, hit } from "./_collect.ts";
import { ADMIN_SETTING_KEYS } from "../lib/admin/setting_keys.ts";
import { instanceSetting } from "../lib/db/settings.ts";

const FORM = { display_timezone: "UTC", default_consent_css: "" };

Deno.test("admin settings: the time zone is validated, stored and used for every time shown", async () => {
  const app = await adminApp({ ECHELON_DISPLAY_TIMEZONE: "UTC" });
  insertViews(app, [{ visitor_id: "v1", created_at: "2026-11-20T11:30:00.000Z" }]);
  let page = await adminHtml(app, "/admin/views");
  assert.match(page.html, /2026-11-20 11:30:00/);
  assert.match(page.html, /times in UTC/);

  const saved = await adminPost(app, "/admin/settings", {
    ...FORM,
    display_timezone: "Asia/Tokyo",
  });
  assert.equal(saved.status, 303);
  assert.equal(saved.headers.get("location"), "/admin/settings?notice=settings_saved");
  assert.equal(instanceSetting(app.services.db, ADMIN_SETTING_KEYS.displayTimezone), "Asia/Tokyo");
  page = await adminHtml(app, "/admin/views");
  assert.match(page.html, /2026-11-20 20:30:00/);
  assert.match(page.html, /times in Asia\/Tokyo/);
  const settings = await adminHtml(app, "/admin/settings?notice=settings_saved");
  assert.match(settings.html, /Settings saved/);
  assert.match(settings.html, /name="display_timezone" value="Asia\/Tokyo"/);

  for (const zone of ["Mars/Olympus", "", "UTC; DROP TABLE", "x".repeat(300)]) {
    const refused = await adminPost(app, "/admin/settings", { ...FORM, display_timezone: zone });
    assert.equal(refused.status, 400, zone);
    assert.match(await refused.text(), /is not an IANA time zone name/);
  }
  assert.equal(instanceSetting(app.services.db, ADMIN_SETTING_KEYS.displayTimezone), "Asia/Tokyo");
});

Deno.test("admin settings: the debug switch is stored and applies to the collectors at once", async () => {
  const app = await adminApp();
  const ignored = () => hit(app, beaconUrl({ s: "smoke-test" }));
  assert.equal((await ignored()).drop, null, "no drop header without debug");

  const on = await adminPost(app, "/admin/settings", { ...FORM, debug: "on" });
  assert.equal(on.status, 303);
  assert.equal(instanceSetting(app.services.db, ADMIN_SETTING_KEYS.debug), "true");
  assert.equal((await ignored()).drop, "site_ignored");
  assert.match((await adminHtml(app, "/admin/settings")).html, /id="debug-toggle" checked/);

  await adminPost(app, "/admin/settings", FORM);
  assert.equal(instanceSetting(app.services.db, ADMIN_SETTING_KEYS.debug), "false");
  assert.equal((await ignored()).drop, null);
});

Deno.test("admin settings: ECHELON_DEBUG=true locks debug on and says why", async () => {
  const app = await adminApp({ ECHELON_DEBUG: "true" });
  const { html } = await adminHtml(app, "/admin/settings");
  assert.match(html, /id="debug-toggle" checked disabled/);
  assert.match(html, /Locked on: ECHELON_DEBUG=true is set in the server's environment/);
  // A browser does not send a disabled checkbox; the lock keeps debug on regardless.
  assert.equal((await adminPost(app, "/admin/settings", FORM)).status, 303);
  assert.equal(instanceSetting(app.services.db, ADMIN_SETTING_KEYS.debug), undefined);
  assert.equal((await hit(app, beaconUrl({ s: "smoke-test" }))).drop, "site_ignored");
});

Deno.test("admin settings: the default consent CSS is sanitised and used by sites without one", async () => {
  const app = await adminApp();
  registerSite(app, "shop");
  registerSite(app, "styled");
  app.services.db.run("INSERT INTO site_settings (site_id, consent_css) VALUES ('styled', 'p{}')");
  const res = await adminPost(app, "/admin/settings", {
    ...FORM,
    default_consent_css: "div { color: #fff; background: url(https://evil.example/t.gif) }\u0000",
  });
  assert.equal(res.status, 200, "saved, and the page reports what was removed");
  assert.match(await res.text(), /Removed from the CSS: control characters, url\(\./);
  const stored = instanceSetting(app.services.db, ADMIN_SETTING_KEYS.defaultConsentCss);
  assert.equal(stored, "div { color: #fff; background: /*blocked*/https://evil.example/t.gif) }");

  const shop = await (await app.request("/c?s=shop")).json();
  assert.equal(shop.site.consentCss, stored);
  const styled = await (await app.request("/c?s=styled")).json();
  assert.equal(styled.site.consentCss, "p{}", "a site's own CSS wins");

  const tooLong = await adminPost(app, "/admin/settings", {
    ...FORM,
    default_consent_css: "a".repeat(5000),
  });
  assert.equal(tooLong.status, 400);
  assert.match(await tooLong.text(), /Consent CSS: 5000 characters, at most 4096/);
  assert.equal(instanceSetting(app.services.db, ADMIN_SETTING_KEYS.defaultConsentCss), stored);
});
