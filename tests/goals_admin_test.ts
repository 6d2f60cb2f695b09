// Goals in the admin (routes/admin/sites/[id]/goals.tsx, the dashboard's Goals card): add, change
// and delete through the forms (refusals echo the form, nothing stored), the dashboard's card with
// the fixture's conversions and rates, a goal's link filtering the whole dashboard to the visits
// that converted (its headline checked against the rows), and public mode read-only.
import assert from "node:assert/strict";
import { refreshRollups } from "../lib/stats/mod.ts";
import { adminApp, adminHtml, adminPost, type AdminTestApp, registerSite } from "./_admin.ts";
import { D1, D2, insertFixture, SITE } from "./_stats_fixture.ts";

const PERIOD = `period=custom&from=${D1}&to=${D2}`;
const GOALS_PAGE = `/admin/sites/${SITE}/goals?${PERIOD}`;

async function app(env: Record<string, string> = {}): Promise<AdminTestApp> {
  const t = await adminApp(env);
  insertFixture(t);
  registerSite(t, SITE, "Shop");
  await refreshRollups(t.services);
  return t;
}

const stored = (t: AdminTestApp) =>
  t.services.db.all<{ name: string; kind: string; page: string | null; props: string | null }>(
    "SELECT name, kind, page, props FROM goals ORDER BY name",
  ).map((row) => ({ ...row }));

/** The cells of the row marked data-goal=`name` in the table `id`, tags stripped. */
function goalRow(html: string, id: string, name: string): string[] {
  const table = html.slice(
    html.indexOf(`id="${id}"`),
    html.indexOf("</table>", html.indexOf(`id="${id}"`)),
  );
  const row = table.match(new RegExp(`<tr\\b[^>]*data-goal="${name}"[^>]*>([\\s\\S]*?)</tr>`));
  assert.ok(row, `${id}: row ${name}`);
  return [...row[1].matchAll(/<td\b[^>]*>([\s\S]*?)<\/td>/g)].map((m) =>
    m[1].replace(/<[^>]+>/g, "").replace(/&amp;/g, "&").trim()
  );
}

async function addGoal(t: AdminTestApp, form: Record<string, string>) {
  const res = await adminPost(t, `/admin/sites/${SITE}/goals`, { action: "save", ...form });
  await res.body?.cancel();
  return res;
}

Deno.test("admin goals: add, change and delete by form; refusals echo the form and store nothing", async () => {
  const t = await app();
  const added = await addGoal(t, { name: "Pricing", kind: "page", page: "/pricing" });
  assert.equal(added.status, 303);
  assert.match(added.headers.get("location")!, /goals\?notice=goal_saved$/);
  await addGoal(t, { name: "Signup", kind: "event", event_name: "signup", props: "name=signup" });
  assert.deepEqual(stored(t), [
    { name: "Pricing", kind: "page", page: "/pricing", props: null },
    { name: "Signup", kind: "event", page: null, props: '{"name":"signup"}' },
  ]);

  const before = stored(t);
  for (
    const [form, message] of [
      [{ name: "", kind: "page", page: "/x" }, /name: a name is required/],
      [{ name: "X", kind: "page", page: "x" }, /page: a path starts with \//],
      [{ name: "X", kind: "scroll", page: "/x", scroll_depth: "150" }, /scroll_depth: 1-100/],
      [{ name: "X", kind: "event", event_name: "" }, /event_name/],
      [{ name: "Pricing", kind: "page", page: "/other" }, /already has a goal named/],
    ] as const
  ) {
    const res = await adminPost(t, `/admin/sites/${SITE}/goals`, { action: "save", ...form });
    const html = await res.text();
    assert.ok(res.status === 400 || res.status === 409, `${JSON.stringify(form)}: ${res.status}`);
    assert.match(html, message, JSON.stringify(form));
    // The form keeps what was typed.
    if (form.page) assert.match(html, new RegExp(`name="page" value="${form.page}"`));
  }
  assert.deepEqual(stored(t), before);

  // Change: the edit link fills the form; saving replaces the definition.
  const id = t.services.db.get<{ id: number }>("SELECT id FROM goals WHERE name = 'Pricing'")!.id;
  const { html: editing } = await adminHtml(t, `/admin/sites/${SITE}/goals?edit=${id}`);
  assert.match(editing, /name="page" value="\/pricing"/);
  assert.match(editing, new RegExp(`name="id" value="${id}"`));
  await addGoal(t, { id: String(id), name: "Docs", kind: "page", page: "/docs/**" });
  assert.deepEqual(stored(t).map((g) => [g.name, g.page]), [["Docs", "/docs/**"], [
    "Signup",
    null,
  ]]);

  const deleted = await adminPost(t, `/admin/sites/${SITE}/goals`, {
    action: "delete",
    id: String(id),
  });
  await deleted.body?.cancel();
  assert.match(deleted.headers.get("location")!, /notice=goal_deleted/);
  assert.deepEqual(stored(t).map((g) => g.name), ["Signup"]);
});

Deno.test("admin goals: the dashboard's Goals card shows conversions and rates; a goal's link filters the dashboard to the visits that converted", async () => {
  const t = await app();
  // No goals: the card says so and offers to add one.
  const { html: empty } = await adminHtml(t, `/admin?site=${SITE}&${PERIOD}`);
  assert.match(empty, /id="goals"[\s\S]*No goals yet[\s\S]*href="\/admin\/sites\/shop\/goals[?"]/);

  await addGoal(t, { name: "Pricing", kind: "page", page: "/pricing" });
  await addGoal(t, { name: "Signup", kind: "event", event_name: "signup" });
  await addGoal(t, { name: "Never", kind: "page", page: "/nowhere" });
  const { status, html } = await adminHtml(t, `/admin?site=${SITE}&${PERIOD}`);
  assert.equal(status, 200);
  // The fixture over the 19th and 20th: 8 visitors; /pricing viewed by 4 of them, signup by 2.
  assert.deepEqual(goalRow(html, "goals-table", "Pricing"), [
    "Pricing",
    "4",
    "50.0%",
    "+50.0 pts",
    "4",
  ]);
  assert.deepEqual(goalRow(html, "goals-table", "Signup"), [
    "Signup",
    "2",
    "25.0%",
    "+25.0 pts",
    "2",
  ]);
  assert.deepEqual(goalRow(html, "goals-table", "Never"), ["Never", "0", "0.0%", "—", "0"]);

  // The goal's link: the whole dashboard narrowed to the visits with a signup (v1's and v6's:
  // 2 visitors, 2 visits, 5 page views).
  const link = html.match(/<tr\b[^>]*data-goal="Signup"[\s\S]*?href="([^"]+)"/)![1].replace(
    /&amp;/g,
    "&",
  );
  assert.match(link, /f=event:goal:is:Signup/);
  const { html: filtered } = await adminHtml(t, link);
  assert.match(filtered, /Goal is Signup/);
  const kpi = (key: string) =>
    filtered.match(new RegExp(`data-kpi-value="${key}"[^>]*>([^<]+)<`))?.[1].trim();
  assert.equal(kpi("unique_visitors"), "2");
  assert.equal(kpi("visits"), "5");
  assert.equal(kpi("sessions"), "2");
  // The goals page lists the same figures and the definitions.
  const { html: page } = await adminHtml(t, GOALS_PAGE);
  assert.deepEqual(goalRow(page, "goals-table", "Pricing").slice(0, 3), ["Pricing", "4", "50.0%"]);
  assert.deepEqual(goalRow(page, "goal-definitions", "Signup").slice(0, 2), [
    "Signup",
    "Event signup",
  ]);
  // Under the dashboard's filters: the visits from google.com (v1's and v6's) all converted both.
  const { html: google } = await adminHtml(t, `${GOALS_PAGE}&f=visit:source:is:google.com`);
  assert.match(
    google,
    /id="goal-filters"[^>]*>Under the dashboard's filters: Source is google\.com/,
  );
  assert.deepEqual(goalRow(google, "goals-table", "Signup").slice(0, 3), ["Signup", "2", "100.0%"]);
  assert.deepEqual(goalRow(google, "goals-table", "Pricing").slice(0, 3), [
    "Pricing",
    "2",
    "100.0%",
  ]);
});

Deno.test("admin goals: public mode shows the goals and their figures, no form, and refuses writes", async () => {
  const owner = await app();
  await addGoal(owner, { name: "Pricing", kind: "page", page: "/pricing" });
  const pub = await app({ ECHELON_PUBLIC_MODE: "true" });
  pub.services.db.run(
    "INSERT INTO goals (site_id, name, kind, page) VALUES (?, 'Pricing', 'page', '/pricing')",
    SITE,
  );
  const { status, html } = await adminHtml(pub, GOALS_PAGE);
  assert.equal(status, 200);
  assert.deepEqual(goalRow(html, "goals-table", "Pricing").slice(0, 3), ["Pricing", "4", "50.0%"]);
  assert.doesNotMatch(html, /<form[^>]*method="post"/);
  assert.doesNotMatch(html, /id="goal-form"/);
  const { html: dashboard } = await adminHtml(pub, `/admin?site=${SITE}&${PERIOD}`);
  assert.match(dashboard, /data-goal="Pricing"/);
  assert.doesNotMatch(dashboard, /Manage goals/);
  const refused = await adminPost(pub, `/admin/sites/${SITE}/goals`, {
    action: "save",
    name: "X",
    kind: "page",
    page: "/x",
  });
  await refused.body?.cancel();
  assert.equal(refused.status, 403);
  assert.equal(pub.services.db.get<{ n: number }>("SELECT COUNT(*) AS n FROM goals")!.n, 1);
});
