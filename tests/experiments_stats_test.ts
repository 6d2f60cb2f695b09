// Experiment results: the maths against published values (normal CDF, chi-square tail, the
// z-test of a hand-computed example), and /api/stats/experiments on a stored fixture whose answer
// is known — bots, excluded visitors, other sites, other events, events outside the window or
// during a pause and conversions before the exposure must not count; SRM is flagged for a
// 600/400 split; pauses are stored with the status changes.
import assert from "node:assert/strict";
import type { EventRow } from "../lib/db/columns.ts";
import { compareAndSetStatus } from "../lib/db/experiments.ts";
import { changeStatus, createExperiment } from "../lib/experiments/mod.ts";
import {
  chiSquareSurvival,
  erfc,
  lnGamma,
  normalCdf,
  sampleRatioCheck,
  significanceLevel,
  twoProportionTest,
} from "../lib/experiments/stats.ts";
import { insertEvents } from "./_admin.ts";
import { createTestApp, TEST_SECRET, type TestApp } from "./_helpers.ts";

const SECRET = TEST_SECRET;
const NOW = Date.parse("2026-11-20T12:00:00.000Z"); // the helper's frozen clock
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

function close(actual: number | null, expected: number, tolerance: number, what: string) {
  assert.ok(actual !== null, `${what}: null`);
  assert.ok(
    Math.abs(actual - expected) <= tolerance,
    `${what}: ${actual} differs from ${expected} by more than ${tolerance}`,
  );
}

Deno.test("normal CDF and erfc match published values to 1e-12", () => {
  // Values from R's pnorm / scipy.stats.norm.cdf.
  const table: [number, number][] = [
    [0, 0.5],
    [0.5, 0.6914624612740131],
    [1, 0.8413447460685429],
    [1.96, 0.9750021048517795],
    [3.5, 0.9997673709209645],
    [-3, 0.0013498980316300933],
  ];
  for (const [x, expected] of table) close(normalCdf(x), expected, 1e-12, `Φ(${x})`);
  // Deep tails: relative accuracy (an absolute bound would say nothing there).
  for (const [x, expected] of [[-6, 9.865876450376946e-10], [-8.5, 9.47953482220325e-18]]) {
    close(normalCdf(x) / expected, 1, 1e-9, `Φ(${x}) relative`);
  }
  close(1 - 2 * normalCdf(-1.959963984540054), 0.95, 1e-12, "two-sided 95%");
  close(erfc(0), 1, 1e-15, "erfc(0)");
  close(erfc(1), 0.15729920705028513, 1e-14, "erfc(1)");
  close(erfc(-1), 1.8427007929497148, 1e-14, "erfc(-1)");
  close(lnGamma(5), Math.log(24), 1e-13, "lnΓ(5)");
  close(lnGamma(0.5), Math.log(Math.sqrt(Math.PI)), 1e-13, "lnΓ(½)");
  assert.ok(Number.isNaN(erfc(Number.NaN)));
});

Deno.test("chi-square survival matches published values", () => {
  // scipy.stats.chi2.sf
  const table: [number, number, number][] = [
    [3.841458820694124, 1, 0.05],
    [5.991464547107979, 2, 0.05],
    [0.5, 1, 0.47950012218695337],
    [7.5, 3, 0.0575584519726364],
    [12.3, 5, 0.03090046463546092],
    [40, 1, 2.5396285894708634e-10],
  ];
  for (const [x, df, expected] of table) {
    close(chiSquareSurvival(x, df) / expected, 1, 1e-9, `χ²(${x}, ${df})`);
  }
  close(chiSquareSurvival(100, 19) / 5.355560750435117e-13, 1, 1e-8, "χ²(100, 19)");
  assert.equal(chiSquareSurvival(0, 3), 1);
});

Deno.test("two-proportion z-test: 1000/100 vs 1000/130 against hand-computed values", () => {
  // p̄ = 230/2000 = 0.115; SE = √(0.115·0.885·(2/1000)) = 0.0142671; z = 0.03/SE = 2.102741;
  // p = 2(1 − Φ(z)) = 0.035488; CI = 0.03 ± 1.959964·√(0.1·0.9/1000 + 0.13·0.87/1000)
  //   = 0.03 ± 0.027932 = [0.002068, 0.057932].
  const control = { n: 1000, conversions: 100 };
  const variant = { n: 1000, conversions: 130 };
  const test = twoProportionTest(control, variant);
  close(test.difference, 0.03, 1e-12, "difference");
  close(test.z, 2.102740605622114, 1e-4, "z");
  close(test.pValue, 0.03548845046647473, 1e-4, "p");
  close(test.ciLow, 0.0020679344393763656, 1e-4, "CI low");
  close(test.ciHigh, 0.057932065560623636, 1e-4, "CI high");
  assert.equal(significanceLevel(test, control, variant), "significant_95");

  const none = twoProportionTest({ n: 500, conversions: 0 }, { n: 500, conversions: 0 });
  assert.equal(none.z, null, "no variance: no z");
  assert.equal(none.pValue, null);
  assert.equal(
    significanceLevel(none, { n: 500, conversions: 0 }, { n: 500, conversions: 0 }),
    "no_variance",
  );
  const empty = twoProportionTest({ n: 0, conversions: 0 }, { n: 10, conversions: 1 });
  assert.equal(empty.ciLow, null);
  const small = { n: 99, conversions: 50 };
  assert.equal(
    significanceLevel(twoProportionTest(small, { n: 99, conversions: 5 }), small, small),
    "insufficient_data",
  );
  const strong = twoProportionTest({ n: 1000, conversions: 100 }, { n: 1000, conversions: 160 });
  assert.equal(
    significanceLevel(strong, { n: 1000, conversions: 100 }, { n: 1000, conversions: 160 }),
    "significant_99",
  );
});

Deno.test("sample-ratio check flags 600/400 on 50/50 weights, not 1000/1000 or 600/400 on 60/40", () => {
  const srm = sampleRatioCheck([600, 400], [50, 50])!;
  close(srm.chiSquare, 40, 1e-12, "χ²");
  close(srm.pValue / 2.5396285894708634e-10, 1, 1e-9, "p");
  assert.deepEqual(srm.expected, [500, 500]);
  assert.equal(srm.mismatch, true);
  assert.equal(sampleRatioCheck([1000, 1000], [50, 50])!.mismatch, false);
  assert.equal(sampleRatioCheck([600, 400], [60, 40])!.chiSquare, 0);
  assert.equal(sampleRatioCheck([0, 0], [1, 1]), null);
  assert.equal(sampleRatioCheck([10], [1]), null);
});

// ---------------------------------------------------------------------------------------------
// The stored fixture

interface Fixture {
  t: TestApp;
  startedAt: number;
}

const VARIANTS = [
  { variant_id: "control", name: "Blue", weight: 50, is_control: true },
  { variant_id: "green", name: "Green", weight: 50 },
];

/** An experiment on site "shop" with metric `metric`, started 2 days before NOW. */
async function fixture(
  metric = "purchase",
  options: { id?: string; variants?: unknown[]; t?: TestApp } = {},
): Promise<Fixture> {
  const t = options.t ?? await createTestApp({ ECHELON_SECRET: SECRET });
  const startedAt = NOW - 48 * HOUR;
  const id = options.id ?? "exp";
  await createExperiment(t.services.store, {
    experiment_id: id,
    name: "Checkout",
    site_id: "shop",
    metric,
    variants: options.variants ?? VARIANTS,
  }, startedAt - HOUR);
  await changeStatus(t.services.store, { id, to: "active", now: startedAt });
  return { t, startedAt };
}

let sessionCounter = 0;
function session(): string {
  return `00000000-0000-4000-8000-${String(++sessionCounter).padStart(12, "0")}`;
}

/** One exposed session: the exposure at `at`, then optional events. */
function exposed(
  variant: string,
  at: number,
  options: {
    experiment?: string;
    convertAt?: number | null;
    metric?: Partial<EventRow>;
    visitor?: string;
    botScore?: number;
    site?: string;
  } = {},
): Partial<EventRow>[] {
  const sid = session();
  const common = {
    session_id: sid,
    visitor_id: options.visitor ?? `visitor-${sid.slice(-6)}`,
    bot_score: options.botScore ?? 0,
    site_id: options.site ?? "shop",
  };
  const rows: Partial<EventRow>[] = [{
    ...common,
    event_type: "exposure",
    experiment_id: options.experiment ?? "exp",
    variant_id: variant,
    data: JSON.stringify({ experiment_id: options.experiment ?? "exp", variant_id: variant }),
    created_at: iso(at),
  }];
  if (options.convertAt !== undefined && options.convertAt !== null) {
    rows.push({
      ...common,
      event_type: "custom",
      event_name: "purchase",
      created_at: iso(options.convertAt),
      ...options.metric,
    });
  }
  return rows;
}

async function results(t: TestApp, query: string) {
  const res = await t.request(`/api/stats/experiments?${query}`, {
    headers: { authorization: `Bearer ${SECRET}` },
  });
  return { status: res.status, body: await res.json() };
}

Deno.test("results: 1000/100 vs 1000/130 with everything that must not count", async () => {
  const { t, startedAt } = await fixture();
  const rows: Partial<EventRow>[] = [];
  const at = (i: number) => startedAt + 60_000 + i * 1000;
  for (let i = 0; i < 996; i++) {
    // Control: 100 conversions after the exposure, 30 more sessions bought only *before* it.
    const convertAt = i < 100 ? at(i) + 5000 : i < 130 ? at(i) - 5000 : null;
    rows.push(...exposed("control", at(i), { convertAt }));
  }
  // Four more control sessions, exposed and clean but converting with what is not the metric.
  for (
    const metric of [{ event_name: "signup" }, { event_type: "click" }, { bot_score: 90 }, {
      site_id: "blog",
    }]
  ) {
    rows.push(...exposed("control", at(0), { convertAt: at(1), metric }));
  }
  for (let i = 0; i < 1000; i++) {
    // Green: 130 conversions, the first 10 at the very instant of the exposure (counts).
    const convertAt = i < 130 ? at(i) + (i < 10 ? 0 : 7000) : null;
    rows.push(...exposed("green", at(i), { convertAt }));
  }
  // Not counted at all: bots, an excluded visitor, before the start, another site, another
  // experiment.
  for (let i = 0; i < 50; i++) {
    rows.push(...exposed("green", at(i), { convertAt: at(i) + 1000, botScore: 50 + i }));
    rows.push(...exposed("control", at(i), { convertAt: at(i) + 1000, visitor: "excluded-one" }));
    rows.push(...exposed("green", startedAt - 60_000, { convertAt: at(i) }));
    rows.push(...exposed("green", at(i), { convertAt: at(i) + 1000, site: "blog" }));
    rows.push(...exposed("green", at(i), { convertAt: at(i) + 1000, experiment: "other" }));
  }
  insertEvents(t, rows);
  t.services.db.run("INSERT INTO excluded_visitors (visitor_id) VALUES ('excluded-one')");

  const res = await results(t, "experiment_id=exp");
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.length, 1);
  const r = res.body[0];
  assert.equal(r.experiment_id, "exp");
  assert.equal(r.metric, "purchase");
  assert.equal(r.metric_kind, "custom");
  assert.deepEqual(r.window, { from: iso(startedAt), to: iso(NOW) });
  const [control, green] = r.variants;
  assert.deepEqual(
    [control.variant_id, control.exposures, control.impressions, control.conversions],
    ["control", 1000, 1000, 100],
  );
  assert.deepEqual([green.variant_id, green.exposures, green.conversions], ["green", 1000, 130]);
  assert.equal(control.conversion_rate, 0.1);
  assert.equal(green.conversion_rate, 0.13);
  assert.equal(control.significance, "Control");
  assert.equal(control.relative_uplift, null);
  close(green.relative_uplift, 0.3, 1e-12, "uplift");
  close(green.difference, 0.03, 1e-12, "difference");
  close(green.z, 2.102740605622114, 1e-4, "z");
  close(green.p_value, 0.03548845046647473, 1e-4, "p");
  close(green.ci_low, 0.0020679344393763656, 1e-4, "CI low");
  close(green.ci_high, 0.057932065560623636, 1e-4, "CI high");
  assert.equal(green.significance, "Statistically significant at 95%");
  assert.equal(green.significant, true);
  assert.equal(r.exposures, 2000);
  assert.equal(r.conversions, 230);
  assert.equal(r.sample_ratio.mismatch, false);
  assert.equal(r.sample_ratio.chi_square, 0);
  assert.deepEqual(r.unknown_variants, []);
  assert.deepEqual(r.notes, []);
});

Deno.test("results: a completed experiment stops changing; the window's end is inclusive", async () => {
  const { t, startedAt } = await fixture();
  const endedAt = startedAt + 24 * HOUR;
  insertEvents(t, [
    ...exposed("control", startedAt, { convertAt: endedAt }), // both at the bounds: counted
    ...exposed("green", startedAt + HOUR, { convertAt: endedAt + 1 }), // converted too late
  ]);
  await changeStatus(t.services.store, { id: "exp", to: "completed", now: endedAt });
  const before = (await results(t, "experiment_id=exp")).body[0];
  assert.deepEqual(before.window, { from: iso(startedAt), to: iso(endedAt) });
  assert.deepEqual(before.variants.map((v: { exposures: number }) => v.exposures), [1, 1]);
  assert.deepEqual(before.variants.map((v: { conversions: number }) => v.conversions), [1, 0]);
  insertEvents(t, [
    ...exposed("control", endedAt + 1, { convertAt: endedAt + 2 }),
    ...exposed("green", NOW - 1000, { convertAt: NOW }),
  ]);
  const after = (await results(t, "experiment_id=exp")).body[0];
  assert.deepEqual(after.variants, before.variants);
  assert.match(after.notes.join(" "), /Fewer than 100 exposures in control, green/);
  assert.match(after.variants[1].significance, /^Not yet — need more data \(1 < 100 exposures\)$/);
});

Deno.test("results: a session counts once, in the variant of its first tagged event", async () => {
  const { t, startedAt } = await fixture();
  const sid = session();
  const base = { session_id: sid, visitor_id: "v1", site_id: "shop", experiment_id: "exp" };
  insertEvents(t, [
    { ...base, event_type: "exposure", variant_id: "green", created_at: iso(startedAt + 10) },
    { ...base, event_type: "exposure", variant_id: "control", created_at: iso(startedAt + 20) },
    // Any event tagged with the experiment exposes (the reference's documented usage) and, when it
    // is the metric, converts at once.
    {
      session_id: session(),
      visitor_id: "v2",
      site_id: "shop",
      experiment_id: "exp",
      variant_id: "control",
      event_type: "custom",
      event_name: "purchase",
      created_at: iso(startedAt + 30),
    },
    // Tagged with a variant the experiment does not define: reported apart.
    ...exposed("purple", startedAt + 40),
  ]);
  const r = (await results(t, "experiment_id=exp")).body[0];
  assert.deepEqual(
    r.variants.map((v: { variant_id: string; exposures: number; conversions: number }) => [
      v.variant_id,
      v.exposures,
      v.conversions,
    ]),
    [["control", 1, 1], ["green", 1, 0]],
  );
  assert.deepEqual(r.unknown_variants, [{ variant_id: "purple", exposures: 1, conversions: 0 }]);
  assert.match(r.notes.join(" "), /1 variant id\(s\) seen in events are not defined/);
});

Deno.test("results: a built-in event type as the metric; SRM flagged for 600/400 on 50/50", async () => {
  const { t, startedAt } = await fixture("outbound");
  const rows: Partial<EventRow>[] = [];
  for (let i = 0; i < 600; i++) {
    rows.push(...exposed("control", startedAt + i, {
      convertAt: i < 60 ? startedAt + i + 1 : null,
      metric: { event_type: "outbound", event_name: null },
    }));
  }
  for (let i = 0; i < 400; i++) {
    rows.push(...exposed("green", startedAt + i, {
      // A custom event *named* "outbound" is not the built-in type.
      convertAt: i < 40 ? startedAt + i + 1 : null,
      metric: i < 20 ? { event_type: "outbound", event_name: null } : { event_name: "outbound" },
    }));
  }
  insertEvents(t, rows);
  const r = (await results(t, "experiment_id=exp")).body[0];
  assert.equal(r.metric_kind, "event_type");
  assert.deepEqual(r.variants.map((v: { conversions: number }) => v.conversions), [60, 20]);
  assert.equal(r.sample_ratio.mismatch, true);
  close(r.sample_ratio.chi_square, 40, 1e-9, "χ²");
  close(r.sample_ratio.p_value / 2.5396285894708634e-10, 1, 1e-9, "SRM p");
  assert.deepEqual(r.sample_ratio.expected, { control: 500, green: 500 });
  assert.match(r.notes.join(" "), /Sample ratio mismatch/);
});

Deno.test("GET /api/stats/experiments: default list, filters and bad parameters", async () => {
  const { t } = await fixture();
  await fixture("purchase", { t, id: "second" });
  await changeStatus(t.services.store, { id: "second", to: "completed", now: NOW });
  await createExperiment(t.services.store, {
    experiment_id: "draft-one",
    name: "Draft",
    site_id: "shop",
    metric: "purchase",
    variants: VARIANTS,
  }, NOW);
  const ids = async (query: string) =>
    (await results(t, query)).body.map((r: { experiment_id: string }) => r.experiment_id);
  // Same creation time: by id.
  assert.deepEqual(await ids(""), ["exp", "second"], "active and completed by default");
  assert.deepEqual(await ids("status=draft"), ["draft-one"]);
  const draft = (await results(t, "experiment_id=draft-one")).body[0];
  assert.equal(draft.window, null);
  assert.equal(draft.exposures, 0);
  assert.match(draft.notes.join(" "), /Not started yet/);
  assert.deepEqual(await ids("site_id=blog"), []);
  for (const query of ["experiment_id=a%20b", "status=nope", "site_id=a/b"]) {
    assert.equal((await results(t, query)).status, 400, query);
  }
  const missing = await results(t, "experiment_id=missing");
  assert.equal(missing.status, 404);
  assert.equal(missing.body.error, "not_found");
});

// ---------------------------------------------------------------------------------------------
// Pauses: nothing sent while an experiment is paused counts

type Counted = { variant_id: string; exposures: number; conversions: number };
const counted = (r: { variants: Counted[] }) =>
  r.variants.map((v) => [v.variant_id, v.exposures, v.conversions]);

function pauseRows(t: TestApp, id = "exp") {
  return t.services.db.all<{ paused_at: string; resumed_at: string | null }>(
    "SELECT paused_at, resumed_at FROM experiment_pauses WHERE experiment_id = ? ORDER BY rowid",
    id,
  ).map((row) => ({ ...row }));
}

Deno.test("results: events during a pause do not count, before and after it they do", async () => {
  const { t, startedAt } = await fixture();
  const store = t.services.store;
  const h = (n: number) => startedAt + n * HOUR;
  // Paused [10 h, 12 h) and [20 h, 22 h) after the start.
  await changeStatus(store, { id: "exp", to: "paused", now: h(10) });
  await changeStatus(store, { id: "exp", to: "active", now: h(12) });
  await changeStatus(store, { id: "exp", to: "paused", now: h(20) });
  await changeStatus(store, { id: "exp", to: "active", now: h(22) });
  assert.deepEqual(pauseRows(t), [
    { paused_at: iso(h(10)), resumed_at: iso(h(12)) },
    { paused_at: iso(h(20)), resumed_at: iso(h(22)) },
  ]);
  const sid = session();
  const switched = {
    session_id: sid,
    visitor_id: "switched",
    site_id: "shop",
    experiment_id: "exp",
  };
  insertEvents(t, [
    // Exposed before the first pause: converting during it does not count, after it does.
    ...exposed("control", h(1), { convertAt: h(11) }),
    ...exposed("control", h(2), { convertAt: h(13) }),
    // Exposed just before the second pause, converting at its very start: not counted.
    ...exposed("control", h(20) - 1, { convertAt: h(20) }),
    // Exposed during a pause (its start is inside it), converting after it: neither counts.
    ...exposed("green", h(10), { convertAt: h(10) + 1000 }),
    ...exposed("green", h(11)),
    ...exposed("green", h(21), { convertAt: h(23) }),
    // Exposed at the resume instant (counted) and converting later.
    ...exposed("green", h(12), { convertAt: h(30) }),
    // Green during the pause, control after it: counts once, in control, its first counted one.
    { ...switched, event_type: "exposure", variant_id: "green", created_at: iso(h(11)) },
    { ...switched, event_type: "exposure", variant_id: "control", created_at: iso(h(12) + 1) },
  ]);
  const r = (await results(t, "experiment_id=exp")).body[0];
  assert.deepEqual(counted(r), [["control", 4, 1], ["green", 1, 1]]);
  assert.equal(r.exposures, 5);
  assert.equal(r.conversions, 2);
  assert.deepEqual(r.window, { from: iso(startedAt), to: iso(NOW) });
  assert.deepEqual(r.pauses, pauseRows(t));
  assert.equal(r.paused_ms, 4 * HOUR);
  assert.ok(
    r.notes.includes(
      "Paused 2 times for 4 h 0 min in total; exposures and conversions during pauses are not " +
        "counted.",
    ),
    r.notes.join("\n"),
  );
  assert.doesNotMatch(r.notes.join(" "), /Paused since|Completed while paused/);
});

Deno.test("results: while paused nothing counts; completing from paused keeps the pause open", async () => {
  const { t, startedAt } = await fixture();
  const store = t.services.store;
  const h = (n: number) => startedAt + n * HOUR;
  await changeStatus(store, { id: "exp", to: "paused", now: h(10) });
  insertEvents(t, [
    ...exposed("control", h(1), { convertAt: h(9) }), // all before the pause: counted
    ...exposed("control", h(2), { convertAt: h(15) }), // converts while paused
    ...exposed("green", h(12), { convertAt: h(13) }), // exposed while paused
  ]);
  const paused = (await results(t, "experiment_id=exp")).body[0];
  assert.equal(paused.status, "paused");
  assert.deepEqual(counted(paused), [["control", 2, 1], ["green", 0, 0]]);
  assert.deepEqual(paused.pauses, [{ paused_at: iso(h(10)), resumed_at: null }]);
  assert.equal(paused.paused_ms, NOW - h(10), "an open pause runs until now");
  assert.match(paused.notes.join(" "), /Paused once for 38 h 0 min in total/);
  assert.match(
    paused.notes.join(" "),
    /Paused since 2026-11-18 22:00 UTC: .*nothing counts until the experiment is resumed/,
  );

  await changeStatus(store, { id: "exp", to: "completed", now: h(20) });
  assert.deepEqual(pauseRows(t), [{ paused_at: iso(h(10)), resumed_at: null }]);
  insertEvents(t, [...exposed("green", h(20), { convertAt: h(20) })]); // at ended_at: not counted
  const done = (await results(t, "experiment_id=exp")).body[0];
  assert.equal(done.ended_at, iso(h(20)));
  assert.deepEqual(done.window, { from: iso(startedAt), to: iso(h(20)) });
  assert.deepEqual(counted(done), counted(paused));
  assert.equal(done.paused_ms, 10 * HOUR, "an open pause of a completed experiment ends with it");
  assert.match(done.notes.join(" "), /Paused once for 10 h 0 min in total/);
  assert.match(done.notes.join(" "), /Completed while paused: nothing after the pause counts\./);
  await changeStatus(store, { id: "exp", to: "archived", now: NOW });
  assert.deepEqual(pauseRows(t), [{ paused_at: iso(h(10)), resumed_at: null }]);
  assert.deepEqual(counted((await results(t, "status=archived")).body[0]), counted(paused));
});

Deno.test("pause rows: written with the status change only, in order even if the clock goes back", async () => {
  const { t, startedAt } = await fixture();
  const db = t.services.db;
  const store = t.services.store;
  const at = iso(startedAt + HOUR);
  assert.equal(compareAndSetStatus(db, { id: "exp", from: "active", to: "paused", at }), true);
  // A writer that lost the race from the same status writes no second pause.
  assert.equal(compareAndSetStatus(db, { id: "exp", from: "active", to: "paused", at }), false);
  assert.deepEqual(pauseRows(t), [{ paused_at: at, resumed_at: null }]);
  // Resumed "before" it paused, then paused again earlier still: clamped, never overlapping.
  const earlier = iso(startedAt + HOUR - 60_000);
  await changeStatus(store, { id: "exp", to: "active", now: Date.parse(earlier) });
  await changeStatus(store, { id: "exp", to: "paused", now: Date.parse(earlier) - 60_000 });
  assert.deepEqual(pauseRows(t), [
    { paused_at: at, resumed_at: at },
    { paused_at: at, resumed_at: null },
  ]);
  assert.throws(
    () => db.run("INSERT INTO experiment_pauses (experiment_id, paused_at) VALUES ('exp', ?)", at),
    /UNIQUE/,
    "at most one open pause per experiment",
  );
  // Same-instant pause, resume and pause (a frozen clock): the open pause still excludes.
  insertEvents(t, [...exposed("control", startedAt + HOUR)]);
  assert.deepEqual(counted((await results(t, "experiment_id=exp")).body[0]), [
    ["control", 0, 0],
    ["green", 0, 0],
  ]);
});
