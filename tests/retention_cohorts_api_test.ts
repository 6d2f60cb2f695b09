// Retention cohorts over HTTP (POST /api/v2/retention) and in the admin
// (/admin/sites/:id/retention): a cookie-mode fixture whose returns are known (lasting ids over
// three weeks), the same figures in the page's table, the stats fixture's daily ids (cookieless:
// not measurable across days, the page says why, same-day returns shown), refusals, scopes and
// public mode.
import assert from "node:assert/strict";
import { adminApp, adminHtml, insertViews, registerSite } from "./_admin.ts";
import { AUTH_ENV } from "./_auth.ts";
import { fixtureApp, send } from "./_api_fixture.ts";
import { AUTH, D1, D2, SECRET, SITE } from "./_stats_fixture.ts";

const ask = (
  t: Parameters<typeof send>[0],
  more: Record<string, unknown>,
  headers?: Record<string, string>,
) => send(t, "POST", "/api/v2/retention", { site_id: SITE, ...more }, headers);

/** Lasting ids (cookie mode): a, b, c first seen the week of 2 Nov; a back the next week and the
 * one after, b the next week; d first seen the week of 9 Nov, back the week after; a bot. */
function cookieVisits(t: Parameters<typeof insertViews>[0]) {
  const at = (day: string, visitor: string, session: string, score = 0) => ({
    site_id: SITE,
    visitor_id: visitor,
    session_id: session,
    path: "/",
    bot_score: score,
    created_at: `${day}T10:00:00.000Z`,
  });
  insertViews(t, [
    at("2026-11-02", "a", "a1"),
    at("2026-11-03", "b", "b1"),
    at("2026-11-04", "c", "c1"),
    at("2026-11-04", "c", "c2"),
    at("2026-11-10", "a", "a2"),
    at("2026-11-11", "b", "b2"),
    at("2026-11-12", "d", "d1"),
    at("2026-11-17", "a", "a3"),
    at("2026-11-18", "d", "d2"),
    at("2026-11-18", "x", "x1", 80),
    at("2026-11-19", "x", "x2", 80),
  ]);
}

Deno.test("retention: lasting ids give weekly cohorts with their returns, in the API and the page", async () => {
  const t = await adminApp({ ECHELON_SECRET: SECRET });
  registerSite(t, SITE, "Shop");
  cookieVisits(t);
  const res = await ask(t, { date_range: ["2026-11-02", "2026-11-22"] }, AUTH);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.deepEqual(res.body.cohorts, [
    { cohort: "2026-11-02", visitors: 3, weeks: [3, 2, 1], rates: [100, 66.7, 33.3] },
    { cohort: "2026-11-09", visitors: 1, weeks: [1, 1], rates: [100, 100] },
  ]);
  assert.equal(res.body.measurable, true);
  assert.equal(res.body.multi_day_visitors, 3);
  // Visitor-days: a ×3, b ×2, c ×1 (two visits: came back the same day), d ×2.
  assert.deepEqual(res.body.same_day, { visitor_days: 8, returned: 1, rate: 12.5 });

  const { status, html } = await adminHtml(
    t,
    `/admin/sites/${SITE}/retention?period=custom&from=2026-11-02&to=2026-11-22`,
  );
  assert.equal(status, 200);
  const row = html.match(/<tr\b[^>]*data-cohort="2026-11-02"[^>]*>([\s\S]*?)<\/tr>/)![1];
  assert.deepEqual(
    [...row.matchAll(/<td\b[^>]*>([\s\S]*?)<\/td>/g)].map((m) =>
      m[1].replace(/<[^>]+>/g, "").trim()
    ),
    ["2026-11-02", "3", "100%", "66.7%", "33.3%"],
  );
  assert.doesNotMatch(html, /retention-not-measurable/);
  // The bots alone: x, one cohort of one, back the same week only.
  const bots = await ask(t, { date_range: ["2026-11-02", "2026-11-22"], bots: "only" }, AUTH);
  assert.deepEqual(bots.body.cohorts, [
    { cohort: "2026-11-16", visitors: 1, weeks: [1], rates: [100] },
  ]);
});

Deno.test("retention: daily ids (cookieless) are not measurable across days, and the page says why", async () => {
  const t = await fixtureApp(AUTH_ENV);
  const res = await ask(t, { date_range: [D1, D2] });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.measurable, false);
  assert.equal(res.body.multi_day_visitors, 0);
  for (const c of res.body.cohorts) assert.ok(c.weeks.slice(1).every((n: number) => n === 0));
  // Refusals name the field; read keys may ask; anonymous callers may not.
  const bad = await ask(t, { date_range: "7d", metrics: ["visitors"] });
  assert.deepEqual([bad.status, bad.body.error], [400, "invalid_query"]);
  assert.match(bad.body.message, /metrics/);
  const filter = await ask(t, { date_range: "7d", filters: [["is", "visit:cuntry", ["DE"]]] });
  assert.match(filter.body.message, /^filters\[0\]\[1\]/);
  const key = (await send(t, "POST", "/api/keys", { name: "r", scope: "read" })).body.key;
  assert.equal(
    (await ask(t, { date_range: [D1, D2] }, { authorization: `Bearer ${key}` })).status,
    200,
  );
  assert.equal((await ask(t, { date_range: [D1, D2] }, {})).status, 401);

  const admin = await adminApp();
  registerSite(admin, SITE, "Shop");
  insertViews(admin, [
    {
      site_id: SITE,
      visitor_id: "d1",
      session_id: "s1",
      path: "/",
      created_at: `${D1}T09:00:00.000Z`,
    },
    {
      site_id: SITE,
      visitor_id: "d1",
      session_id: "s2",
      path: "/",
      created_at: `${D1}T15:00:00.000Z`,
    },
    {
      site_id: SITE,
      visitor_id: "d2",
      session_id: "s3",
      path: "/",
      created_at: `${D2}T09:00:00.000Z`,
    },
  ]);
  const { html } = await adminHtml(
    admin,
    `/admin/sites/${SITE}/retention?period=custom&from=${D1}&to=${D2}`,
  );
  assert.match(html, /id="retention-not-measurable"/);
  assert.match(html, /id="same-day"[^>]*>50%</);

  const pub = await adminApp({ ECHELON_PUBLIC_MODE: "true" });
  registerSite(pub, SITE, "Shop");
  const page = await adminHtml(pub, `/admin/sites/${SITE}/retention`);
  assert.equal(page.status, 200);
  const anonymous = await ask(pub, { date_range: "7d" }, {});
  assert.deepEqual([anonymous.status, anonymous.body.error], [403, "not_public"]);
});
