// Funnels in the query engine (lib/query/funnels.ts, lib/db/query/funnels.ts) against a
// brute-force walk over the same raw rows (tests/_conversion_rows.ts): strict and any order, per
// visit and per visitor, page steps (exact and wildcard) and event steps with property values,
// under filters and the three bot settings, with a breakdown by country and source — every step's
// count, drop-off, conversion and median time compared with what the rows say.
import assert from "node:assert/strict";
import { insertEvents, insertViews } from "../lib/db/collect.ts";
import type { EventRow, ViewRow } from "../lib/db/columns.ts";
import {
  funnelBreakdown,
  type FunnelEntity,
  type FunnelSpec,
  funnelSteps,
  runFunnel,
  stepMatch,
} from "../lib/query/funnels.ts";
import { QUERY_BODY, resolveQuery } from "../lib/query/model.ts";
import { createTestApp, readContext, type TestApp } from "./_helpers.ts";
import { type Data, EXCLUDED, generate, SITES } from "./_conversion_rows.ts";

const FROM = Date.parse("2026-11-17T00:00:00Z");
const TO = Date.parse("2026-11-20T00:00:00Z");
const DAY = 86_400_000;
const ms = (iso: unknown) => Date.parse(String(iso));

type Mode = "hide" | "show" | "only";
interface Ask {
  spec: FunnelSpec;
  bots: Mode;
  filters: unknown[][];
  breakdown?: "visit:country" | "visit:source";
}

function propOf(data: unknown, key: string): string | null {
  try {
    const parsed = JSON.parse(String(data));
    return parsed && typeof parsed === "object" && parsed[key] != null ? String(parsed[key]) : null;
  } catch {
    return null;
  }
}

type Row = { view?: ViewRow; event?: EventRow; t: string; site: string };

function stepHolds(step: FunnelSpec["steps"][number], row: Row): boolean {
  const m = stepMatch(step);
  if (m.kind === "page") {
    if (!row.view) return false;
    const path = String(row.view.path);
    return m.exact !== null ? path === m.exact : new RegExp(m.regex!).test(path);
  }
  const e = row.event;
  return !!e && e.event_type === "custom" && e.event_name === m.name &&
    m.props.every(([k, v]) => propOf(e.data, k) === v);
}

function bruteForce(data: Data, a: Ask): FunnelEntity[] {
  const kept = (score: unknown) =>
    a.bots === "show" || (a.bots === "hide" ? Number(score) < 50 : Number(score) >= 50);
  const skOf = (r: { session_id: unknown; visitor_id: unknown }) =>
    r.session_id !== null ? `s${r.session_id}` : r.visitor_id !== null ? `v${r.visitor_id}` : null;
  const inRange = (iso: unknown) => ms(iso) >= FROM && ms(iso) < TO;
  // Visits' entry views (the source, and an event's country), over the window the engine reads.
  const entries = new Map<string, ViewRow>();
  const window = data.views
    .filter((v) => v.visitor_id !== EXCLUDED && kept(v.bot_score))
    .filter((v) => ms(v.created_at) >= FROM - DAY && ms(v.created_at) < TO + DAY)
    .sort((x, y) => ms(x.created_at) - ms(y.created_at) || x.id - y.id);
  for (const v of window) {
    const key = `${v.site_id}|${skOf(v)}`;
    if (!entries.has(key)) entries.set(key, v);
  }
  const valueOf = (dim: string, row: Row): string => {
    const r = (row.view ?? row.event)!;
    const entry = entries.get(`${r.site_id}|${skOf(r)}`);
    if (dim === "event:page") return String(r.path ?? "(none)");
    if (dim === "visit:country") return String((row.view ?? entry)?.country_code ?? "unknown");
    if (dim === "visit:source") {
      return entry && entry.referrer_type !== "internal" && entry.referrer_domain
        ? String(entry.referrer_domain)
        : "Direct / None";
    }
    throw new Error(dim);
  };
  const holds = (f: unknown[], row: Row): boolean => {
    const [op, dim, values] = f as [string, string, string[]];
    if (op === "not") return !holds(dim as unknown as unknown[], row);
    const hit = values.includes(valueOf(dim, row));
    return op === "is" ? hit : !hit;
  };
  const rows: Row[] = [
    ...data.views
      .filter((v) => v.visitor_id !== EXCLUDED && inRange(v.created_at) && kept(v.bot_score))
      .map((v) => ({ view: v, t: String(v.created_at), site: String(v.site_id) })),
    ...data.events
      .filter((e) => e.visitor_id !== EXCLUDED && inRange(e.created_at) && kept(e.bot_score))
      .map((e) => ({ event: e, t: String(e.created_at), site: String(e.site_id) })),
  ].filter((row) => a.filters.every((f) => holds(f, row)));
  const byEntity = new Map<string, Row[]>();
  for (const row of rows) {
    const r = (row.view ?? row.event)!;
    const id = a.spec.per === "visit" ? skOf(r) : r.visitor_id;
    if (id === null) continue;
    const key = `${row.site}|${id}`;
    byEntity.set(key, [...(byEntity.get(key) ?? []), row]);
  }
  const out: FunnelEntity[] = [];
  for (const list of byEntity.values()) {
    const firsts = list.filter((row) => stepHolds(a.spec.steps[0], row));
    if (firsts.length === 0) continue;
    const group = a.breakdown
      ? firsts.map((row) => `${row.t}\u001f${valueOf(a.breakdown!, row)}`).sort()[0].slice(25)
      : "";
    const times: (string | null)[] = [];
    if (a.spec.order === "any") {
      for (const step of a.spec.steps) {
        const hit = list.filter((row) => stepHolds(step, row)).map((row) => row.t).sort();
        times.push(hit[0] ?? null);
      }
    } else {
      let after = "";
      for (const [k, step] of a.spec.steps.entries()) {
        if (k > 0 && times[k - 1] === null) {
          times.push(null);
          continue;
        }
        const hit = list.filter((row) => row.t > after && stepHolds(step, row)).map((row) => row.t)
          .sort();
        times.push(hit[0] ?? null);
        after = hit[0] ?? after;
      }
    }
    out.push({ group, times });
  }
  return out;
}

async function seeded(seed: number) {
  const t = await createTestApp();
  const data = generate(seed);
  insertViews(t.services.db, data.views.map(({ id: _, ...v }) => v));
  insertEvents(t.services.db, data.events);
  t.services.db.run("INSERT INTO excluded_visitors (visitor_id) VALUES (?)", EXCLUDED);
  return { t, data };
}

function engine(t: TestApp, a: Ask) {
  const q = resolveQuery(
    QUERY_BODY.parse({
      site_id: SITES,
      metrics: ["visitors"],
      date_range: ["2026-11-17", "2026-11-19"],
      dimensions: a.breakdown ? [a.breakdown] : [],
      filters: a.filters,
      bots: a.bots,
    }),
    t.clock.now,
  );
  return runFunnel(readContext(t), q, a.spec);
}

const SPECS: FunnelSpec[] = [
  {
    steps: [{ page: "/" }, { page: "/pricing" }, { event_name: "signup" }],
    order: "strict",
    per: "visit",
  },
  {
    steps: [{ page: "/" }, { page: "/pricing" }, { event_name: "signup" }],
    order: "any",
    per: "visit",
  },
  {
    steps: [{ page: "/blog/**" }, { page: "/pricing" }, {
      event_name: "signup",
      props: { plan: "pro" },
    }, {
      page: "/thanks",
    }],
    order: "strict",
    per: "visitor",
  },
  { steps: [{ page: "/*" }, { event_name: "purchase" }], order: "any", per: "visitor" },
  { steps: [{ page: "/" }, { page: "/" }, { page: "/" }], order: "strict", per: "visitor" },
];

Deno.test("funnels = brute force: strict and any order, per visit and per visitor, filters, three bot settings, breakdowns", async () => {
  let compared = 0;
  for (const seed of [1, 2]) {
    const { t, data } = await seeded(seed);
    for (const spec of SPECS) {
      for (const bots of ["hide", "show", "only"] as Mode[]) {
        for (
          const filters of [
            [],
            [["is", "visit:country", ["DE", "FI"]]],
            [["is_not", "visit:source", ["Direct / None"]]],
          ]
        ) {
          const a: Ask = { spec, bots, filters };
          const label = `${seed} ${JSON.stringify(spec.steps)} ${spec.order} ${spec.per} ${bots} ${
            JSON.stringify(filters)
          }`;
          const want = bruteForce(data, a);
          const got = await engine(t, a);
          assert.deepEqual(got.steps, funnelSteps(spec, want), label);
          compared += want.length;
          if (filters.length === 0) {
            for (const breakdown of ["visit:country", "visit:source"] as const) {
              const b = { ...a, breakdown };
              const byGroup = await engine(t, b);
              assert.deepEqual(
                byGroup.breakdown,
                funnelBreakdown(spec, bruteForce(data, b), 10_000),
                `${label} by ${breakdown}`,
              );
            }
          }
        }
      }
    }
  }
  assert.ok(compared > 500, `${compared} entities compared`);
});

Deno.test("funnels: the figures of a funnel over known entities (counts, drop-off, conversion, medians)", () => {
  const spec: FunnelSpec = {
    steps: [{ page: "/" }, { page: "/b" }, { page: "/c" }],
    order: "strict",
    per: "visit",
  };
  const at = (s: number) => new Date(Date.UTC(2026, 10, 17, 12, 0, s)).toISOString();
  const entities: FunnelEntity[] = [
    { group: "", times: [at(0), at(10), at(40)] },
    { group: "", times: [at(0), at(20), null] },
    { group: "", times: [at(0), at(30), null] },
    { group: "", times: [at(0), null, null] },
  ];
  assert.deepEqual(funnelSteps(spec, entities), [
    { label: "/", visitors: 4, dropoff: 0, conversion_rate: 100, median_seconds: null },
    { label: "/b", visitors: 3, dropoff: 1, conversion_rate: 75, median_seconds: 20 },
    { label: "/c", visitors: 1, dropoff: 2, conversion_rate: 25, median_seconds: 30 },
  ]);
});
