// The experiment admin pages against the in-process app: the list and its filter, the create
// form (valid, invalid with messages, add/remove rows without JavaScript), the detail page with
// the numbers of a known fixture, only the allowed status buttons, working status, edit and
// delete forms (stale pages refused), and public mode (results shown, no form that writes).
import assert from "node:assert/strict";
import type { EventRow } from "../lib/db/columns.ts";
import { changeStatus, createExperiment } from "../lib/experiments/mod.ts";
import {
  adminApp,
  adminHtml,
  adminPost,
  type AdminTestApp,
  insertEvents,
  postForms,
  registerSite,
  storeGoal,
} from "./_admin.ts";

const NOW = Date.parse("2026-11-20T12:00:00.000Z");

async function define(app: AdminTestApp, id: string, overrides: Record<string, unknown> = {}) {
  await createExperiment(app.services.store, {
    experiment_id: id,
    name: `Experiment ${id}`,
    site_id: "shop",
    metric: "purchase",
    variants: [
      { variant_id: "control", weight: 50, is_control: true },
      { variant_id: "green", weight: 50 },
    ],
    ...overrides,
  }, NOW - 3 * 3_600_000);
}

/** Exposed sessions per variant, `converted` of them buying after the exposure. */
function traffic(
  app: AdminTestApp,
  id: string,
  groups: Record<string, { exposed: number; converted: number }>,
) {
  const rows: Partial<EventRow>[] = [];
  let n = 0;
  for (const [variant, { exposed, converted }] of Object.entries(groups)) {
    for (let i = 0; i < exposed; i++) {
      const session = `00000000-0000-4000-8000-${String(++n).padStart(12, "0")}`;
      const at = NOW - 3_600_000 + i;
      const base = { session_id: session, visitor_id: `v${n}`, site_id: "shop" };
      rows.push({
        ...base,
        event_type: "exposure",
        experiment_id: id,
        variant_id: variant,
        created_at: new Date(at).toISOString(),
      });
      if (i < converted) {
        rows.push({
          ...base,
          event_type: "custom",
          event_name: "purchase",
          created_at: new Date(at + 1000).toISOString(),
        });
      }
    }
  }
  insertEvents(app, rows);
}

function formBody(fields: Record<string, string | string[]>): URLSearchParams {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) {
    for (const v of Array.isArray(value) ? value : [value]) body.append(name, v);
  }
  return body;
}

const VALID_FORM = {
  experiment_id: "hero",
  name: "Hero copy",
  site_id: "shop",
  metric: "signup",
  metric_kind: "",
  description: "Which headline",
  allocation_percent: "100",
  control: "0",
  variant_id: ["control", "bold"],
  variant_name: ["Control", "Bold"],
  variant_weight: ["1", "3"],
  variant_config: ["", '{"headline":"Go"}'],
  intent: "save",
};

Deno.test("admin experiments: create through the form, errors shown, rows without JavaScript", async () => {
  const app = await adminApp();
  registerSite(app, "shop");
  const blank = await adminHtml(app, "/admin/experiments/new");
  assert.equal(blank.status, 200);
  assert.match(blank.html, /<form[^>]*method="post"[^>]*action="\/admin\/experiments\/new"/);
  assert.match(blank.html, /data-island="ExperimentForm"/);
  assert.match(blank.html, /name="intent" value="add_variant"/);
  assert.equal((blank.html.match(/name="variant_id"/g) ?? []).length, 2);
  assert.match(blank.html, /value="control"/);
  assert.match(blank.html, /value="variant"/, "default ids match echelon.experiment(id)");

  const added = await adminPost(
    app,
    "/admin/experiments/new",
    formBody({ ...VALID_FORM, intent: "add_variant" }),
  );
  const addedHtml = await added.text();
  assert.equal(added.status, 200);
  assert.equal((addedHtml.match(/name="variant_id"/g) ?? []).length, 3);
  assert.match(addedHtml, /value="variant-2"/);
  const removed = await adminPost(
    app,
    "/admin/experiments/new",
    formBody({
      ...VALID_FORM,
      variant_id: ["control", "bold", "x"],
      variant_name: ["", "", ""],
      variant_weight: ["1", "1", "1"],
      variant_config: ["", "", ""],
      intent: "remove_variant:1",
    }),
  );
  const removedHtml = await removed.text();
  assert.equal((removedHtml.match(/name="variant_id"/g) ?? []).length, 2);
  assert.ok(!removedHtml.includes('value="bold"'));
  assert.equal(app.services.db.get<{ n: number }>("SELECT COUNT(*) AS n FROM experiments")!.n, 0);

  const bad = await adminPost(
    app,
    "/admin/experiments/new",
    formBody({ ...VALID_FORM, experiment_id: "bad id", variant_weight: ["0", "3"] }),
  );
  const badHtml = await bad.text();
  assert.equal(bad.status, 400);
  assert.match(badHtml, /experiment_id: &quot;bad id&quot; must be 1-128 characters/);
  assert.match(badHtml, /variants\[0\]\.weight: 0 must be a number above 0/);
  assert.match(badHtml, /value="Hero copy"/, "the form keeps what was typed");
  const badJson = await adminPost(
    app,
    "/admin/experiments/new",
    formBody({ ...VALID_FORM, variant_config: ["{", ""] }),
  );
  assert.equal(badJson.status, 400);
  assert.match(await badJson.text(), /variants\[0\]\.config: is not valid JSON/);

  const created = await adminPost(app, "/admin/experiments/new", formBody(VALID_FORM));
  assert.equal(created.status, 303);
  assert.equal(created.headers.get("location"), "/admin/experiments/hero?done=created");
  const row = app.services.db.get<Record<string, unknown>>("SELECT * FROM experiments")!;
  assert.equal(row.experiment_id, "hero");
  assert.equal(row.metric_event_type, "signup");
  assert.equal(row.status, "draft");
  assert.deepEqual(
    app.services.db.all<Record<string, unknown>>(
      "SELECT variant_id, weight, is_control, config FROM experiment_variants ORDER BY rowid",
    ).map((r) => ({ ...r })),
    [
      { variant_id: "control", weight: 1, is_control: 1, config: null },
      { variant_id: "bold", weight: 3, is_control: 0, config: '{"headline":"Go"}' },
    ],
  );
  const again = await adminPost(app, "/admin/experiments/new", formBody(VALID_FORM));
  assert.equal(again.status, 409);
  assert.match(await again.text(), /already exists/);

  const detail = await adminHtml(app, "/admin/experiments/hero?done=created");
  assert.match(detail.html, /Experiment created as a draft/);
  const list = await adminHtml(app, "/admin/experiments");
  assert.match(list.html, /data-experiment="hero"/);
  assert.match(list.html, /href="\/admin\/experiments"[^>]*aria-current="page"/);
});

Deno.test("admin experiment page: the numbers of a known fixture, chart and snippet", async () => {
  const app = await adminApp();
  await define(app, "checkout");
  await changeStatus(app.services.store, {
    id: "checkout",
    to: "active",
    now: NOW - 2 * 3_600_000,
  });
  traffic(app, "checkout", {
    control: { exposed: 1000, converted: 100 },
    green: { exposed: 1000, converted: 130 },
  });
  const { status, html } = await adminHtml(app, "/admin/experiments/checkout");
  assert.equal(status, 200);
  const row = (variant: string) =>
    html.match(new RegExp(`<tr data-variant="${variant}">[\\s\\S]*?</tr>`))![0];
  const cell = (variant: string, name: string) =>
    row(variant).match(new RegExp(`data-cell="${name}"[^>]*>([^<]*)<`))?.[1];
  assert.equal(cell("control", "exposures"), "1,000");
  assert.equal(cell("control", "conversions"), "100");
  assert.equal(cell("control", "rate"), "10.00%");
  assert.equal(cell("green", "exposures"), "1,000");
  assert.equal(cell("green", "conversions"), "130");
  assert.equal(cell("green", "rate"), "13.00%");
  assert.equal(cell("green", "uplift"), "+30.0%");
  assert.equal(cell("green", "difference"), "+3.00 pp [+0.21 pp, +5.79 pp]");
  assert.equal(cell("green", "p"), "0.0355");
  assert.equal(cell("green", "significance"), "Statistically significant at 95%");
  assert.match(html, /id="experiment-chart"/);
  assert.match(html, /<g data-variant="green"/);
  assert.ok(!html.includes("Sample ratio mismatch"));
  // The snippet: the experiment with its weights, and the conversion call.
  const snippet = html.match(/id="experiment-snippet"[\s\S]*?<\/pre>/)![0]
    .replace(/&quot;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">");
  assert.match(snippet, /window\.echelon\?\.experiment\("checkout", \[/);
  assert.match(snippet, /\{ id: "control", weight: 50 \}/);
  assert.match(snippet, /window\.echelon\?\.track\("purchase"\)/);
  assert.match(snippet, /data-site="shop"/);

  // Only the allowed transitions are offered: active → pause, complete.
  assert.deepEqual(
    [...html.matchAll(/data-transition="([a-z]+)"/g)].map((m) => m[1]),
    ["paused", "completed"],
  );
  assert.ok(!html.includes('id="delete-experiment"'), "no delete once started");
  assert.ok(!html.includes('id="edit-experiment"'));

  const list = await adminHtml(app, "/admin/experiments");
  const listRow = list.html.match(/<tr data-experiment="checkout">[\s\S]*?<\/tr>/)![0];
  assert.match(listRow, /data-cell="exposures"[^>]*>2,000</);
  assert.match(listRow, /data-cell="conversions"[^>]*>230</);
  assert.match(listRow, /data-status="active"/);
});

Deno.test("admin experiment page: SRM warning for 600/400 on 50/50", async () => {
  const app = await adminApp();
  await define(app, "skewed");
  await changeStatus(app.services.store, { id: "skewed", to: "active", now: NOW - 2 * 3_600_000 });
  traffic(app, "skewed", {
    control: { exposed: 600, converted: 60 },
    green: { exposed: 400, converted: 40 },
  });
  const { html } = await adminHtml(app, "/admin/experiments/skewed");
  assert.match(html, /Sample ratio mismatch\./);
  assert.match(html, /where the weights expect 500 \/ 500/);
});

Deno.test("admin experiment page: status buttons work, stale pages are refused", async () => {
  const app = await adminApp();
  await define(app, "flow");
  const draft = await adminHtml(app, "/admin/experiments/flow");
  assert.deepEqual(
    [...draft.html.matchAll(/data-transition="([a-z]+)"/g)].map((m) => m[1]),
    ["active"],
  );
  assert.match(draft.html, /id="delete-experiment"/);
  assert.match(draft.html, /id="edit-experiment"/);
  assert.match(draft.html, /Not started yet/);

  const start = await adminPost(app, "/admin/experiments/flow", {
    status: "active",
    from: "draft",
  });
  assert.equal(start.status, 303);
  assert.equal(start.headers.get("location"), "/admin/experiments/flow?done=active");
  const stored = () => ({
    ...app.services.db.get<Record<string, unknown>>(
      "SELECT status, started_at, ended_at FROM experiments WHERE experiment_id = 'flow'",
    ),
  });
  assert.deepEqual(stored(), {
    status: "active",
    started_at: "2026-11-20T12:00:00.000Z",
    ended_at: null,
  });
  // The same button again from a stale page: refused with the reason, nothing changes.
  const stale = await adminPost(app, "/admin/experiments/flow", {
    status: "active",
    from: "draft",
  });
  assert.equal(stale.status, 409);
  assert.match(await stale.text(), /is active, not draft/);
  const refused = await adminPost(app, "/admin/experiments/flow", {
    status: "archived",
    from: "active",
  });
  assert.equal(refused.status, 409);
  assert.match(
    await refused.text(),
    /Cannot go from active to archived\. Allowed from active: paused, completed/,
  );

  for (
    const [to, from, buttons] of [
      ["paused", "active", ["active", "completed"]],
      ["active", "paused", ["paused", "completed"]],
      ["completed", "active", ["archived"]],
      ["archived", "completed", []],
    ] as const
  ) {
    const res = await adminPost(app, "/admin/experiments/flow", { status: to, from });
    assert.equal(res.status, 303, `${from} → ${to}`);
    const { html } = await adminHtml(app, `/admin/experiments/flow?done=${to}`);
    assert.deepEqual([...html.matchAll(/data-transition="([a-z]+)"/g)].map((m) => m[1]), buttons);
  }
  assert.equal(stored().status, "archived");
  assert.equal(stored().ended_at, "2026-11-20T12:00:00.000Z");
  const bad = await adminPost(app, "/admin/experiments/flow", { status: "running" });
  assert.equal(bad.status, 400);
});

Deno.test("admin experiments: edit and delete a draft; not once started", async () => {
  const app = await adminApp();
  await define(app, "draft-one");
  const edit = await adminHtml(app, "/admin/experiments/draft-one/edit");
  assert.equal(edit.status, 200);
  assert.match(edit.html, /name="experiment_id"[^>]*readonly/i);
  const saved = await adminPost(
    app,
    "/admin/experiments/draft-one/edit",
    formBody({ ...VALID_FORM, experiment_id: "ignored", name: "Edited name" }),
  );
  assert.equal(saved.status, 303);
  assert.equal(saved.headers.get("location"), "/admin/experiments/draft-one?done=saved");
  assert.deepEqual(
    {
      ...app.services.db.get<Record<string, unknown>>(
        "SELECT name, metric_event_type FROM experiments WHERE experiment_id = 'draft-one'",
      ),
    },
    { name: "Edited name", metric_event_type: "signup" },
  );

  const deleted = await adminPost(app, "/admin/experiments/draft-one", { intent: "delete" });
  assert.equal(deleted.status, 303);
  assert.equal(deleted.headers.get("location"), "/admin/experiments?done=deleted");
  assert.equal(app.services.db.get<{ n: number }>("SELECT COUNT(*) AS n FROM experiments")!.n, 0);
  assert.equal((await adminHtml(app, "/admin/experiments/draft-one")).status, 404);

  await define(app, "live");
  await changeStatus(app.services.store, { id: "live", to: "active", now: NOW });
  const refusedDelete = await adminPost(app, "/admin/experiments/live", { intent: "delete" });
  assert.equal(refusedDelete.status, 409);
  assert.match(await refusedDelete.text(), /Only a draft can be deleted/);
  const editPage = await adminHtml(app, "/admin/experiments/live/edit");
  assert.equal(editPage.status, 409);
  assert.match(editPage.html, /only a draft can be edited/);
  const refusedEdit = await adminPost(
    app,
    "/admin/experiments/live/edit",
    formBody({ ...VALID_FORM, name: "Nope" }),
  );
  assert.equal(refusedEdit.status, 409);
  assert.equal(
    app.services.db.get<{ name: string }>("SELECT name FROM experiments")!.name,
    "Experiment live",
  );
});

Deno.test("admin experiments list: status filter", async () => {
  const app = await adminApp();
  await define(app, "one");
  await define(app, "two", { site_id: "blog" });
  await changeStatus(app.services.store, { id: "two", to: "active", now: NOW });
  const ids = async (query: string) =>
    [...(await adminHtml(app, `/admin/experiments${query}`)).html.matchAll(
      /<tr data-experiment="([^"]+)"/g,
    )].map((m) => m[1]).sort();
  assert.deepEqual(await ids(""), ["one", "two"]);
  assert.deepEqual(await ids("?status=active"), ["two"]);
  assert.deepEqual(await ids("?status=draft"), ["one"]);
  assert.deepEqual(await ids("?experiment_site=blog"), ["two"]);
  assert.deepEqual(await ids("?status=bogus"), ["one", "two"], "a bad filter shows all");
  assert.match(
    (await adminHtml(app, "/admin/experiments?status=archived")).html,
    /No experiment matches/,
  );
});

Deno.test("admin experiments in public mode: results visible, nothing that writes", async () => {
  const app = await adminApp({ ECHELON_PUBLIC_MODE: "true" });
  await define(app, "public-exp");
  await changeStatus(app.services.store, {
    id: "public-exp",
    to: "active",
    now: NOW - 2 * 3_600_000,
  });
  traffic(app, "public-exp", {
    control: { exposed: 120, converted: 12 },
    green: { exposed: 110, converted: 22 },
  });
  for (const path of ["/admin/experiments", "/admin/experiments/public-exp"]) {
    const { status, html } = await adminHtml(app, path);
    assert.equal(status, 200, path);
    assert.deepEqual(postForms(html), [], `${path}: no form posts`);
    assert.doesNotMatch(html, />(Start|Pause|Complete|Archive|Delete…|New experiment|Edit)</);
  }
  const detail = await adminHtml(app, "/admin/experiments/public-exp");
  assert.match(detail.html, /data-cell="conversions"[^>]*>22</);
  for (const path of ["/admin/experiments/new", "/admin/experiments/public-exp/edit"]) {
    assert.equal((await adminHtml(app, path)).status, 403, path);
  }
  const post = await adminPost(app, "/admin/experiments/public-exp", {
    status: "paused",
    from: "active",
  });
  assert.equal(post.status, 403);
  assert.equal(
    app.services.db.get<{ status: string }>("SELECT status FROM experiments")!.status,
    "active",
  );
});

Deno.test("admin experiment page: the pauses are listed and what came in during them not counted", async () => {
  const app = await adminApp();
  await define(app, "held");
  const store = app.services.store;
  await changeStatus(store, { id: "held", to: "active", now: NOW - 5 * 3_600_000 });
  await changeStatus(store, { id: "held", to: "paused", now: NOW - 4 * 3_600_000 });
  await changeStatus(store, { id: "held", to: "active", now: NOW - 130 * 60_000 });
  traffic(app, "held", {
    control: { exposed: 120, converted: 12 },
    green: { exposed: 110, converted: 22 },
  });
  // Exposed while paused: not counted.
  insertEvents(app, [{
    session_id: "00000000-0000-4000-8000-999999999999",
    visitor_id: "paused-visitor",
    site_id: "shop",
    event_type: "exposure",
    experiment_id: "held",
    variant_id: "green",
    created_at: new Date(NOW - 3 * 3_600_000).toISOString(),
  }]);
  // Paused again through the page's button (at the frozen NOW).
  const res = await adminPost(app, "/admin/experiments/held", { status: "paused", from: "active" });
  assert.equal(res.status, 303);
  const { html } = await adminHtml(app, "/admin/experiments/held");
  const pauses = html.match(/<ul id="experiment-pauses"[\s\S]*?<\/ul>/)![0]
    .replace(/<!--.*?-->/g, "").replace(/<[^>]+>/g, "").replace(/&gt;/g, ">");
  assert.match(pauses, /2026-11-20 08:00:00 → 2026-11-20 09:50:00\s*\(1 h 50 min\)/);
  assert.match(pauses, /2026-11-20 12:00:00 → still paused\s*\(0 ms\)/);
  assert.match(html, /Pauses \(not counted\) · (<!--.*?-->)*1 h 50 min(<!--.*?-->)* in total/);
  assert.match(html, /Paused 2 times for 1 h 50 min in total; exposures and conversions during/);
  assert.match(html, /data-cell="exposures"[^>]*>120</);
  assert.match(html, /<tr data-variant="green">[\s\S]*?data-cell="exposures"[^>]*>110</);
  assert.deepEqual(
    [...html.matchAll(/data-transition="([a-z]+)"/g)].map((m) => m[1]),
    ["active", "completed"],
  );
});

/** An option chosen, whatever the order of its attributes. */
const selected = (value: string) =>
  new RegExp(`<option (selected value="${value}"|value="${value}" selected)`);

Deno.test("admin experiments: a goal as the metric from the form; the results' bot selector", async () => {
  const app = await adminApp();
  registerSite(app, "shop");
  const goal = await storeGoal(app, {
    site_id: "shop",
    name: "Pro signup",
    kind: "event",
    event_name: "purchase",
  });
  const blank = await adminHtml(app, "/admin/experiments/new");
  assert.match(blank.html, /<select[^>]*name="metric_goal_id"/);
  assert.match(blank.html, new RegExp(`<option value="${goal.id}"[^>]*>shop · Pro signup`));

  const created = await adminPost(
    app,
    "/admin/experiments/new",
    formBody({ ...VALID_FORM, metric: "", metric_goal_id: String(goal.id) }),
  );
  assert.equal(created.status, 303, await created.text());
  const row = app.services.db.get<{ metric_event_type: string }>(
    "SELECT metric_event_type FROM experiments WHERE experiment_id = 'hero'",
  )!;
  assert.equal(row.metric_event_type, `goal:${goal.id}`);
  const edit = await adminHtml(app, "/admin/experiments/hero/edit");
  assert.match(edit.html, selected(String(goal.id)));

  // Started, with human and bot traffic converting the goal (an event named purchase).
  await changeStatus(app.services.store, { id: "hero", to: "active", now: NOW - 2 * 3_600_000 });
  traffic(app, "hero", {
    control: { exposed: 4, converted: 1 },
    bold: { exposed: 4, converted: 3 },
  });
  insertEvents(app, [
    {
      session_id: "bot-session",
      visitor_id: "bot",
      site_id: "shop",
      bot_score: 90,
      event_type: "exposure",
      experiment_id: "hero",
      variant_id: "bold",
      created_at: new Date(NOW - 3_600_000).toISOString(),
    },
  ]);
  const page = await adminHtml(app, "/admin/experiments/hero");
  assert.match(page.html, /Goal <span[^>]*id="metric-goal"[^>]*>Pro signup<\/span>/);
  assert.match(page.html, /<form[^>]*id="results-bots"/);
  assert.match(page.html, selected("hide"));
  const cell = (html: string, variant: string, name: string) =>
    html.match(
      new RegExp(`<tr[^>]*data-variant="${variant}"[\\s\\S]*?data-cell="${name}"[^>]*>([^<]*)<`),
    )?.[1];
  assert.equal(cell(page.html, "bold", "exposures"), "4");
  assert.equal(cell(page.html, "bold", "conversions"), "3");
  const shown = await adminHtml(app, "/admin/experiments/hero?bots=show");
  assert.equal(cell(shown.html, "bold", "exposures"), "5");
  assert.match(shown.html, selected("show"));
  assert.match(shown.html, /Bots shown/);
  const only = await adminHtml(app, "/admin/experiments/hero?bots=only");
  assert.equal(cell(only.html, "bold", "exposures"), "1");
  assert.equal(cell(only.html, "control", "exposures"), "0");
});
