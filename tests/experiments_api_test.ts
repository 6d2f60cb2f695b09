// Integration tests of /api/experiments against the in-process app and its SQLite: creation and
// every validation refusal (400 naming the field, nothing stored), the state machine (every
// allowed and every refused transition, timestamps, a lost race answered 409), editing and
// deleting a draft only, list filters, auth and public mode.
import assert from "node:assert/strict";
import { compareAndSetStatus } from "../lib/db/experiments.ts";
import { STATUSES, TRANSITIONS } from "../lib/experiments/model.ts";
import { createTestApp, TEST_SECRET, type TestApp } from "./_helpers.ts";

const SECRET = TEST_SECRET;
const AUTH = { authorization: `Bearer ${SECRET}` };
const START = Date.parse("2026-11-20T12:00:00.000Z"); // the helper's frozen clock

async function api(
  t: TestApp,
  path: string,
  init: { method?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: Record<string, unknown> & unknown[] }> {
  const res = await t.request(path, {
    method: init.method ?? "GET",
    headers: { ...AUTH, "content-type": "application/json", ...init.headers },
    body: init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
  });
  return { status: res.status, body: await res.json() };
}

function definition(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    experiment_id: "checkout-button",
    name: "Checkout button colour",
    description: "Green vs blue",
    site_id: "Shop",
    metric: "purchase",
    allocation_percent: 100,
    variants: [
      { variant_id: "control", name: "Blue", weight: 50, is_control: true },
      { variant_id: "green", name: "Green", weight: 50, config: { colour: "#0a0" } },
    ],
    ...overrides,
  };
}

async function app(): Promise<TestApp> {
  return await createTestApp({ ECHELON_SECRET: SECRET });
}

/** Rows as plain objects (node:sqlite returns null-prototype ones). */
function rows(t: TestApp, sql: string): Record<string, unknown>[] {
  return t.services.db.all<Record<string, unknown>>(sql).map((row) => ({ ...row }));
}

function storedCount(t: TestApp): { experiments: number; variants: number } {
  const db = t.services.db;
  return {
    experiments: db.get<{ n: number }>("SELECT COUNT(*) AS n FROM experiments")!.n,
    variants: db.get<{ n: number }>("SELECT COUNT(*) AS n FROM experiment_variants")!.n,
  };
}

Deno.test("POST /api/experiments stores a draft with its variants", async () => {
  const t = await app();
  const res = await api(t, "/api/experiments", { method: "POST", body: definition() });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.equal(res.body.created, "checkout-button");
  const experiment = res.body.experiment as Record<string, unknown>;
  assert.equal(experiment.status, "draft");
  assert.equal(experiment.site_id, "shop", "site ids are lower-cased like the collectors'");
  assert.equal(experiment.metric, "purchase");
  assert.equal(experiment.metric_kind, "custom");
  assert.equal(experiment.metric_event_type, "purchase");

  const row = t.services.db.get<Record<string, unknown>>(
    "SELECT * FROM experiments WHERE experiment_id = 'checkout-button'",
  )!;
  assert.equal(row.status, "draft");
  assert.equal(row.site_id, "shop");
  assert.equal(row.metric_event_type, "purchase");
  assert.equal(row.allocation_percent, 100);
  assert.equal(row.created_at, "2026-11-20T12:00:00.000Z");
  assert.equal(row.started_at, null);
  const variants = rows(
    t,
    "SELECT variant_id, name, weight, is_control, config FROM experiment_variants ORDER BY rowid",
  );
  assert.deepEqual(variants, [
    { variant_id: "control", name: "Blue", weight: 50, is_control: 1, config: null },
    { variant_id: "green", name: "Green", weight: 50, is_control: 0, config: '{"colour":"#0a0"}' },
  ]);

  // The contract's field name works too, and a built-in type is matched as that type.
  const legacy = await api(t, "/api/experiments", {
    method: "POST",
    body: definition({
      experiment_id: "outbound-test",
      metric: undefined,
      metric_event_type: "outbound",
    }),
  });
  assert.equal(legacy.status, 201);
  assert.equal((legacy.body.experiment as Record<string, unknown>).metric_kind, "event_type");

  const dup = await api(t, "/api/experiments", { method: "POST", body: definition() });
  assert.equal(dup.status, 409);
  assert.equal(dup.body.error, "conflict");
  assert.deepEqual(storedCount(t), { experiments: 2, variants: 4 });

  // Without site_id the experiment belongs to "default", and the answer says so.
  const noSite = await api(t, "/api/experiments", {
    method: "POST",
    body: definition({ experiment_id: "no-site", site_id: undefined }),
  });
  assert.equal(noSite.status, 201);
  assert.match(String((noSite.body.notes as string[])[0]), /site "default"/);
});

Deno.test("POST /api/experiments refuses bad definitions with 400 naming the field", async () => {
  const t = await app();
  const variant = (id: string, extra: Record<string, unknown> = {}) => ({
    variant_id: id,
    weight: 1,
    ...extra,
  });
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ["id pattern", { experiment_id: "has space" }, /experiment_id: "has space"/],
    ["id too long", { experiment_id: "x".repeat(129) }, /experiment_id/],
    ["missing id", { experiment_id: undefined }, /experiment_id/],
    ["missing name", { name: "" }, /name: is required/],
    ["name too long", { name: "n".repeat(257) }, /name: 257 characters/],
    ["name control chars", { name: "a\u0007b" }, /name: must not contain control/],
    ["description too long", { description: "d".repeat(1025) }, /description: 1025/],
    ["bad site", { site_id: "no/slash" }, /site_id: "no\/slash"/],
    ["missing metric", { metric: undefined }, /metric: is required/],
    ["metric custom", { metric: "custom" }, /every tracked event/],
    ["metric exposure", { metric: "exposure" }, /cannot be a metric/],
    ["metric not text", { metric: 42 }, /metric: 42 must be text/],
    ["metric mismatch", { metric_event_type: "signup" }, /disagree/],
    ["kind unknown", { metric_kind: "page" }, /metric_kind: "page"/],
    ["kind says type", { metric_kind: "event_type" }, /not a built-in event type/],
    ["kind says custom", { metric: "click", metric_kind: "custom" }, /is a built-in event type/],
    ["allocation 0", { allocation_percent: 0 }, /allocation_percent: 0/],
    ["allocation 101", { allocation_percent: 101 }, /allocation_percent: 101/],
    ["allocation 1.5", { allocation_percent: 1.5 }, /allocation_percent: 1\.5/],
    ["variants missing", { variants: undefined }, /variants: must be a list/],
    ["one variant", { variants: [variant("a", { is_control: true })] }, /variants: 1 given/],
    [
      "21 variants",
      {
        variants: Array.from(
          { length: 21 },
          (_, i) => variant(`v${i}`, { is_control: i === 0 }),
        ),
      },
      /variants: 21 given/,
    ],
    [
      "duplicate ids",
      { variants: [variant("a", { is_control: true }), variant("a")] },
      /the id "a" is used more than once/,
    ],
    [
      "weight 0",
      { variants: [variant("a", { is_control: true }), variant("b", { weight: 0 })] },
      /variants\[1\]\.weight: 0/,
    ],
    [
      "weight negative",
      { variants: [variant("a", { is_control: true, weight: -5 }), variant("b")] },
      /variants\[0\]\.weight: -5/,
    ],
    [
      "weight text",
      { variants: [variant("a", { is_control: true }), variant("b", { weight: "50" })] },
      /variants\[1\]\.weight: "50"/,
    ],
    ["no control", { variants: [variant("a"), variant("b")] }, /exactly one .* \(found 0\)/],
    [
      "two controls",
      { variants: [variant("a", { is_control: true }), variant("b", { is_control: true })] },
      /exactly one .* \(found 2\)/,
    ],
    [
      "is_control not boolean",
      { variants: [variant("a", { is_control: "yes" }), variant("b")] },
      /variants\[0\]\.is_control: "yes"/,
    ],
    [
      "variant id pattern",
      { variants: [variant("a b", { is_control: true }), variant("b")] },
      /variants\[0\]\.variant_id: "a b"/,
    ],
    [
      "variant not an object",
      { variants: ["control", "variant"] },
      /variants\[0\]: must be an object/,
    ],
    [
      "config too big",
      {
        variants: [
          variant("a", { is_control: true, config: { text: "x".repeat(4096) } }),
          variant("b"),
        ],
      },
      /variants\[0\]\.config: \d+ bytes of JSON, at most 4096/,
    ],
  ];
  for (const [what, overrides, message] of cases) {
    const res = await api(t, "/api/experiments", {
      method: "POST",
      body: definition(overrides),
    });
    assert.equal(res.status, 400, `${what}: ${JSON.stringify(res.body)}`);
    assert.equal(res.body.error, "invalid_payload", what);
    assert.match(String(res.body.message), message, what);
  }
  for (
    const [what, raw, code] of [
      ["array body", "[]", "invalid_payload"],
      ["malformed JSON", "{", "invalid_json"],
      ["empty body", "", "empty_body"],
      ["string body", '"x"', "invalid_payload"],
    ]
  ) {
    const res = await api(t, "/api/experiments", { method: "POST", raw });
    assert.equal(res.status, 400, what);
    assert.equal(res.body.error, code, what);
  }
  const huge = await api(t, "/api/experiments", {
    method: "POST",
    raw: JSON.stringify(definition({ description: "x".repeat(200_000) })),
  });
  assert.equal(huge.status, 413);
  assert.deepEqual(storedCount(t), { experiments: 0, variants: 0 });

  // A 4096-byte config is the limit, not over it.
  const config = { t: "x".repeat(4096 - '{"t":""}'.length) };
  const edge = await api(t, "/api/experiments", {
    method: "POST",
    body: definition({
      variants: [variant("a", { is_control: true, config }), variant("b", { weight: 0.5 })],
    }),
  });
  assert.equal(edge.status, 201, JSON.stringify(edge.body));
});

/** Creates an experiment and walks it to `status` along allowed transitions. */
async function experimentIn(t: TestApp, id: string, status: string): Promise<void> {
  const created = await api(t, "/api/experiments", {
    method: "POST",
    body: definition({ experiment_id: id }),
  });
  assert.equal(created.status, 201);
  const path: Record<string, string[]> = {
    draft: [],
    active: ["active"],
    paused: ["active", "paused"],
    completed: ["active", "completed"],
    archived: ["active", "completed", "archived"],
  };
  for (const next of path[status]) {
    const res = await api(t, `/api/experiments/${id}`, {
      method: "PATCH",
      body: { status: next },
    });
    assert.equal(res.status, 200, `${id} → ${next}: ${JSON.stringify(res.body)}`);
  }
}

Deno.test("PATCH status: every allowed transition applies, every other one is 409", async () => {
  const t = await app();
  let n = 0;
  for (const from of STATUSES) {
    for (const to of STATUSES) {
      const id = `exp-${n++}`;
      await experimentIn(t, id, from);
      const state = () =>
        rows(
          t,
          `SELECT status, started_at, ended_at FROM experiments WHERE experiment_id = '${id}'`,
        )[0];
      const before = state();
      t.clock.now += 60_000;
      const res = await api(t, `/api/experiments/${id}`, {
        method: "PATCH",
        body: { status: to },
      });
      const after = state();
      if (TRANSITIONS[from].includes(to)) {
        assert.equal(res.status, 200, `${from} → ${to}: ${JSON.stringify(res.body)}`);
        assert.equal(after.status, to);
        const at = new Date(t.clock.now).toISOString();
        if (to === "active") {
          assert.equal(after.started_at, before.started_at ?? at, `${from} → active`);
        }
        if (to === "completed") assert.equal(after.ended_at, at);
        if (to === "archived") assert.equal(after.ended_at, before.ended_at);
      } else {
        assert.equal(res.status, 409, `${from} → ${to} must be refused`);
        assert.equal(res.body.error, "invalid_transition");
        const allowed = TRANSITIONS[from].length ? TRANSITIONS[from].join(", ") : "none";
        assert.ok(
          String(res.body.message).includes(`Allowed from ${from}: ${allowed}`),
          String(res.body.message),
        );
        assert.deepEqual(after, before, `${from} → ${to} changed nothing`);
      }
    }
  }
});

Deno.test("PATCH status: started_at is the first activation; a resume keeps it", async () => {
  const t = await app();
  await experimentIn(t, "exp", "draft");
  const patch = (body: unknown) => api(t, "/api/experiments/exp", { method: "PATCH", body });
  assert.equal((await patch({ status: "active" })).status, 200);
  t.clock.now = START + 3_600_000;
  assert.equal((await patch({ status: "paused" })).status, 200);
  t.clock.now = START + 7_200_000;
  const resumed = await patch({ status: "active" });
  assert.equal(resumed.status, 200);
  const experiment = resumed.body.experiment as Record<string, unknown>;
  assert.equal(experiment.started_at, "2026-11-20T12:00:00.000Z");
  assert.equal(experiment.ended_at, null);
  t.clock.now = START + 10_800_000;
  const done = await patch({ status: "completed" });
  assert.equal(
    (done.body.experiment as Record<string, unknown>).ended_at,
    "2026-11-20T15:00:00.000Z",
  );
});

Deno.test("PATCH status: two changes from the same old status — one wins, the other is 409", async () => {
  const t = await app();
  await experimentIn(t, "race", "active");
  const [a, b] = await Promise.all([
    api(t, "/api/experiments/race", {
      method: "PATCH",
      body: { status: "paused", from: "active" },
    }),
    api(t, "/api/experiments/race", {
      method: "PATCH",
      body: { status: "completed", from: "active" },
    }),
  ]);
  assert.deepEqual([a.status, b.status].sort(), [200, 409]);
  const loser = a.status === 409 ? a : b;
  const winner = a.status === 200 ? a : b;
  assert.equal(loser.body.error, "conflict");
  const final = (winner.body.experiment as Record<string, unknown>).status as string;
  assert.match(String(loser.body.message), new RegExp(`is ${final}, not active`));
  assert.equal(
    t.services.db.get<{ status: string }>("SELECT status FROM experiments")!.status,
    final,
  );

  // Without `from`, a double click on "Start" starts once; the second is a refused transition.
  await experimentIn(t, "double", "draft");
  const starts = await Promise.all([
    api(t, "/api/experiments/double", { method: "PATCH", body: { status: "active" } }),
    api(t, "/api/experiments/double", { method: "PATCH", body: { status: "active" } }),
  ]);
  assert.deepEqual(starts.map((r) => r.status).sort(), [200, 409]);

  // A stale `from` is refused even when the transition itself would be allowed.
  const stale = await api(t, "/api/experiments/double", {
    method: "PATCH",
    body: { status: "active", from: "draft" },
  });
  assert.equal(stale.status, 409);
  assert.match(String(stale.body.message), /is active, not draft/);
});

Deno.test("PATCH: bad status values and unknown experiments", async () => {
  const t = await app();
  await experimentIn(t, "exp", "draft");
  for (
    const body of [{ status: "running" }, { status: 1 }, { status: null }, {
      from: "x",
      status: "active",
    }]
  ) {
    const res = await api(t, "/api/experiments/exp", { method: "PATCH", body });
    assert.equal(res.status, 400, JSON.stringify(body));
    assert.equal(res.body.error, "invalid_status");
  }
  const nothing = await api(t, "/api/experiments/exp", { method: "PATCH", body: {} });
  assert.equal(nothing.status, 400);
  const missing = await api(t, "/api/experiments/nope", {
    method: "PATCH",
    body: { status: "active" },
  });
  assert.equal(missing.status, 404);
  assert.equal((await api(t, "/api/experiments/nope")).status, 404);
  assert.equal((await api(t, "/api/experiments/%E0%A4%A")).status, 404, "malformed escape");
  assert.equal(
    t.services.db.get<{ status: string }>("SELECT status FROM experiments")!.status,
    "draft",
  );
});

Deno.test("PATCH definition: a draft can be edited, anything else cannot", async () => {
  const t = await app();
  await experimentIn(t, "exp", "draft");
  const edit = await api(t, "/api/experiments/exp", {
    method: "PATCH",
    body: {
      name: "Renamed",
      metric: "signup",
      variants: [
        { variant_id: "control", weight: 1, is_control: true },
        { variant_id: "b", weight: 1 },
        { variant_id: "c", weight: 2 },
      ],
    },
  });
  assert.equal(edit.status, 200, JSON.stringify(edit.body));
  const row = t.services.db.get<Record<string, unknown>>("SELECT * FROM experiments")!;
  assert.equal(row.name, "Renamed");
  assert.equal(row.metric_event_type, "signup");
  assert.equal(row.description, "Green vs blue", "fields not sent are kept");
  assert.deepEqual(
    rows(t, "SELECT variant_id, weight FROM experiment_variants ORDER BY rowid"),
    [{ variant_id: "control", weight: 1 }, { variant_id: "b", weight: 1 }, {
      variant_id: "c",
      weight: 2,
    }],
  );

  const bad = await api(t, "/api/experiments/exp", {
    method: "PATCH",
    body: { name: "", allocation_percent: 0 },
  });
  assert.equal(bad.status, 400);
  assert.match(String(bad.body.message), /name: is required.*allocation_percent: 0/);
  const idChange = await api(t, "/api/experiments/exp", {
    method: "PATCH",
    body: { experiment_id: "other", name: "x" },
  });
  assert.equal(idChange.status, 400);
  assert.match(String(idChange.body.message), /an id cannot change/);
  assert.equal(
    t.services.db.get<{ name: string }>("SELECT name FROM experiments")!.name,
    "Renamed",
  );

  // An edit with a move the draft cannot make (or from a status it is not in) applies neither.
  for (const move of [{ status: "paused" }, { status: "active", from: "paused" }]) {
    const refused = await api(t, "/api/experiments/exp", {
      method: "PATCH",
      body: { name: "Never", ...move },
    });
    assert.equal(refused.status, 409, JSON.stringify(move));
    assert.match(
      String(refused.body.message),
      /Cannot go from draft to paused|is draft, not paused/,
    );
    assert.deepEqual(rows(t, "SELECT name, status FROM experiments"), [
      { name: "Renamed", status: "draft" },
    ]);
  }

  // Edit and start in one request: both apply.
  const both = await api(t, "/api/experiments/exp", {
    method: "PATCH",
    body: { name: "Final", status: "active" },
  });
  assert.equal(both.status, 200);
  assert.deepEqual(rows(t, "SELECT name, status FROM experiments"), [
    { name: "Final", status: "active" },
  ]);

  // Once started, the definition is frozen (an edit with a move applies neither).
  for (const status of ["active", "paused", "completed", "archived"]) {
    const id = `frozen-${status}`;
    await experimentIn(t, id, status);
    const res = await api(t, `/api/experiments/${id}`, {
      method: "PATCH",
      body: { name: "Changed" },
    });
    assert.equal(res.status, 409, status);
    assert.match(String(res.body.message), new RegExp(`Only a draft can be edited.*is ${status}`));
  }
  await experimentIn(t, "rollback", "active");
  const mixed = await api(t, "/api/experiments/rollback", {
    method: "PATCH",
    body: { name: "Changed", status: "paused" },
  });
  assert.equal(mixed.status, 409);
  assert.deepEqual(
    rows(t, "SELECT name, status FROM experiments WHERE experiment_id = 'rollback'"),
    [{ name: "Checkout button colour", status: "active" }],
  );
});

Deno.test("DELETE: a draft is removed with its variants; otherwise 409 or 404", async () => {
  const t = await app();
  await experimentIn(t, "draft-one", "draft");
  const res = await api(t, "/api/experiments/draft-one", { method: "DELETE" });
  assert.equal(res.status, 200);
  assert.equal(res.body.deleted, "draft-one");
  assert.deepEqual(storedCount(t), { experiments: 0, variants: 0 });
  for (const status of ["active", "paused", "completed", "archived"]) {
    await experimentIn(t, `kept-${status}`, status);
    const refused = await api(t, `/api/experiments/kept-${status}`, { method: "DELETE" });
    assert.equal(refused.status, 409, status);
    assert.match(String(refused.body.message), /Only a draft can be deleted/);
  }
  assert.deepEqual(storedCount(t), { experiments: 4, variants: 8 });
  assert.equal((await api(t, "/api/experiments/draft-one", { method: "DELETE" })).status, 404);
});

Deno.test("GET /api/experiments lists with variants, filtered by site and status", async () => {
  const t = await app();
  await experimentIn(t, "a", "draft");
  t.clock.now += 1000;
  await experimentIn(t, "b", "active");
  t.clock.now += 1000;
  await api(t, "/api/experiments", {
    method: "POST",
    body: definition({ experiment_id: "c", site_id: "blog" }),
  });
  const all = await api(t, "/api/experiments");
  assert.equal(all.status, 200);
  assert.deepEqual(all.body.map((e) => (e as { experiment_id: string }).experiment_id), [
    "c",
    "b",
    "a",
  ]);
  const first = all.body[2] as { variants: { variant_id: string; is_control: boolean }[] };
  assert.deepEqual(first.variants.map((v) => [v.variant_id, v.is_control]), [
    ["control", true],
    ["green", false],
  ]);
  const ids = async (query: string) =>
    (await api(t, `/api/experiments?${query}`)).body.map((e) =>
      (e as { experiment_id: string }).experiment_id
    );
  assert.deepEqual(await ids("site_id=shop"), ["b", "a"]);
  assert.deepEqual(await ids("status=active"), ["b"]);
  assert.deepEqual(await ids("status=draft,active&site_id=SHOP"), ["b", "a"]);
  assert.deepEqual(await ids("limit=1"), ["c"]);
  assert.deepEqual(await ids("site_id=none"), []);
  for (const query of ["status=running", "site_id=a/b", "limit=0", "limit=x"]) {
    const res = await api(t, `/api/experiments?${query}`);
    assert.equal(res.status, 400, query);
  }
  const one = await api(t, "/api/experiments/b");
  assert.equal(one.status, 200);
  assert.equal(one.body.status, "active");
  assert.equal(one.body.started_at, new Date(START + 1000).toISOString());
});

Deno.test("experiments API: auth required; public mode reads but never writes", async () => {
  const t = await app();
  const anonymous = await t.request("/api/experiments");
  assert.equal(anonymous.status, 401);
  await anonymous.body?.cancel();

  const pub = await createTestApp({ ECHELON_PUBLIC_MODE: "true" });
  pub.services.db.run(
    `INSERT INTO experiments (experiment_id, site_id, name, metric_event_type)
     VALUES ('seen', 'shop', 'Seen', 'purchase')`,
  );
  const list = await pub.request("/api/experiments");
  assert.equal(list.status, 200);
  assert.equal((await list.json()).length, 1);
  for (
    const [method, path] of [
      ["POST", "/api/experiments"],
      ["PATCH", "/api/experiments/seen"],
      ["DELETE", "/api/experiments/seen"],
    ]
  ) {
    const res = await pub.request(path, {
      method,
      headers: { "content-type": "application/json" },
      body: method === "DELETE" ? undefined : JSON.stringify({ status: "active" }),
    });
    assert.equal(res.status, 403, `${method} ${path}`);
    assert.equal((await res.json()).error, "read_only");
  }
  assert.equal(
    pub.services.db.get<{ status: string }>("SELECT status FROM experiments")!.status,
    "draft",
  );
});

Deno.test("the status write is a compare-and-set: a writer holding an old status changes nothing", async () => {
  const t = await app();
  await experimentIn(t, "cas", "active");
  const db = t.services.db;
  const at = "2026-11-20T13:00:00.000Z";
  // Two writers both read "active"; the first moves it, the second's write must not apply.
  assert.equal(compareAndSetStatus(db, { id: "cas", from: "active", to: "paused", at }), true);
  assert.equal(compareAndSetStatus(db, { id: "cas", from: "active", to: "completed", at }), false);
  assert.deepEqual(rows(t, "SELECT status, ended_at FROM experiments"), [
    { status: "paused", ended_at: null },
  ]);
});
