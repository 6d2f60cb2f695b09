// The Funnels page (routes/admin/sites/[id]/funnels.tsx): add, change and delete by form (steps one
// per line; refusals echo the form and store nothing), each funnel's bars and table with the
// fixture's figures for the period, the same under the dashboard's filters (the dashboard's
// Goals card links here with them), and public mode read-only.
import assert from "node:assert/strict";
import { refreshRollups } from "../lib/stats/mod.ts";
import { adminApp, adminHtml, adminPost, type AdminTestApp, registerSite } from "./_admin.ts";
import { D1, D2, insertFixture, SITE } from "./_stats_fixture.ts";

const PERIOD = `period=custom&from=${D1}&to=${D2}`;
const PAGE = `/admin/sites/${SITE}/funnels`;

async function app(env: Record<string, string> = {}): Promise<AdminTestApp> {
  const t = await adminApp(env);
  insertFixture(t);
  registerSite(t, SITE, "Shop");
  await refreshRollups(t.services);
  return t;
}

const stored = (t: AdminTestApp) =>
  t.services.db.all<{ name: string; steps: string; step_order: string; per: string }>(
    "SELECT name, steps, step_order, per FROM funnels ORDER BY name",
  ).map((row) => ({ ...row, steps: JSON.parse(row.steps) }));

/** The table of the funnel named `name`: each step's cells, tags stripped. */
function stepRows(html: string, name: string): string[][] {
  const start = html.indexOf(`data-funnel="${name}"`);
  assert.ok(start >= 0, `funnel ${name}`);
  const section = html.slice(start, html.indexOf("</section>", start));
  const table = section.slice(section.indexOf("<tbody"));
  return [...table.matchAll(/<tr\b[^>]*data-step="\d+"[^>]*>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...row[1].matchAll(/<td\b[^>]*>([\s\S]*?)<\/td>/g)].map((m) =>
      m[1].replace(/<[^>]+>/g, "").replace(/&amp;/g, "&").trim()
    )
  );
}

async function save(t: AdminTestApp, form: Record<string, string>) {
  const res = await adminPost(t, PAGE, { action: "save", order: "strict", per: "visit", ...form });
  const html = await res.text();
  return { status: res.status, location: res.headers.get("location"), html };
}

Deno.test("admin funnels: add by form, the fixture's figures in bars and table, filtered as the dashboard; change and delete", async () => {
  const t = await app();
  const added = await save(t, {
    name: "Signup",
    steps: "/\n/pricing as Pricing\nsignup",
  });
  assert.equal(added.status, 303, added.html.slice(0, 300));
  assert.match(added.location!, /funnels\?notice=funnel_saved$/);
  assert.deepEqual(stored(t), [{
    name: "Signup",
    steps: [{ page: "/" }, { label: "Pricing", page: "/pricing" }, { event_name: "signup" }],
    step_order: "strict",
    per: "visit",
  }]);

  const { status, html } = await adminHtml(t, `${PAGE}?${PERIOD}`);
  assert.equal(status, 200);
  assert.deepEqual(stepRows(html, "Signup"), [
    ["1. /", "6", "—", "100%", "—"],
    ["2. Pricing", "3", "3", "50%", "20 min 0 s"],
    ["3. signup", "2", "1", "33.3%", "1 min 15 s"],
  ]);
  // The bars: the first step full width, the others in proportion.
  const widths = [...html.matchAll(/<g data-step="\d+">[\s\S]*?<rect[^>]*width="([\d.]+)"/g)]
    .map((m) => Number(m[1]));
  assert.equal(widths.length, 3);
  assert.ok(Math.abs(widths[1] / widths[0] - 0.5) < 0.01, String(widths));

  // Under the dashboard's filter: the visits from google.com (s1 and s6) all get through.
  const { html: filtered } = await adminHtml(t, `${PAGE}?${PERIOD}&f=visit:source:is:google.com`);
  assert.match(filtered, /Under the dashboard's filters: Source is google\.com/);
  assert.deepEqual(stepRows(filtered, "Signup").map((r) => r[1]), ["2", "2", "2"]);
  // The dashboard's Goals card links here with its filters.
  const { html: dashboard } = await adminHtml(
    t,
    `/admin?site=${SITE}&${PERIOD}&f=visit:source:is:google.com`,
  );
  const link = dashboard.match(/id="funnels-link" href="([^"]+)"/)![1].replace(/&amp;/g, "&");
  assert.match(decodeURIComponent(link), /funnels\?.*f=visit:source:is:google\.com/);

  // Refusals: the form comes back with what was typed, nothing stored.
  for (
    const [form, message] of [
      [{ name: "One", steps: "/" }, /steps: expected 2-8 steps/],
      [{ name: "Bad", steps: "/\nsignup plan" }, /steps line 2: props: a value is key=value/],
      [{ name: "", steps: "/\n/x" }, /name: a name is required/],
      [{ name: "Signup", steps: "/\n/x" }, /already has a funnel named/],
    ] as const
  ) {
    const res = await save(t, form);
    assert.ok(res.status === 400 || res.status === 409, `${JSON.stringify(form)}: ${res.status}`);
    assert.match(res.html, message, JSON.stringify(form));
    assert.ok(res.html.includes(form.steps.split("\n")[0]), "the steps are echoed");
  }
  assert.equal(stored(t).length, 1);

  const id = t.services.db.get<{ id: number }>("SELECT id FROM funnels")!.id;
  const { html: editing } = await adminHtml(t, `${PAGE}?edit=${id}`);
  assert.match(editing, /\/pricing as Pricing/);
  const changed = await save(t, {
    id: String(id),
    name: "Signup",
    steps: "/\nsignup",
    per: "visitor",
  });
  assert.equal(changed.status, 303);
  assert.deepEqual(stored(t)[0].per, "visitor");
  const deleted = await adminPost(t, PAGE, { action: "delete", id: String(id) });
  await deleted.body?.cancel();
  assert.match(deleted.headers.get("location")!, /notice=funnel_deleted/);
  assert.deepEqual(stored(t), []);
});

Deno.test("admin funnels: public mode shows the funnels and their figures, no form, refuses writes", async () => {
  const pub = await app({ ECHELON_PUBLIC_MODE: "true" });
  pub.services.db.run(
    `INSERT INTO funnels (site_id, name, steps) VALUES (?, 'Signup', '[{"page":"/"},{"page":"/pricing"}]')`,
    SITE,
  );
  const { status, html } = await adminHtml(pub, `${PAGE}?${PERIOD}`);
  assert.equal(status, 200);
  assert.deepEqual(stepRows(html, "Signup").map((r) => r[1]), ["6", "3"]);
  assert.doesNotMatch(html, /<form[^>]*method="post"/);
  const refused = await adminPost(pub, PAGE, { action: "save", name: "X", steps: "/\n/x" });
  await refused.body?.cancel();
  assert.equal(refused.status, 403);
  assert.equal(pub.services.db.get<{ n: number }>("SELECT COUNT(*) AS n FROM funnels")!.n, 1);
});
