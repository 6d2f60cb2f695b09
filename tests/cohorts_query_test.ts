// Retention cohorts (lib/query/cohorts.ts, lib/db/query/cohorts.ts) against a brute-force count over
// the same raw rows: visitors with lasting ids (cookie mode) visiting on several days over five
// weeks, bots, an excluded visitor, a filter, UTC and a zone whose Monday starts earlier; and with
// daily-rotating ids (cookieless), where nothing is measurable across days but same-day returns.
import assert from "node:assert/strict";
import { insertViews } from "../lib/db/collect.ts";
import type { ViewRow } from "../lib/db/columns.ts";
import { runCohorts } from "../lib/query/cohorts.ts";
import { QUERY_BODY, resolveQuery } from "../lib/query/model.ts";
import { createTestApp, readContext, type TestApp } from "./_helpers.ts";
import { rng } from "./_random.ts";
import { view } from "./_stats_fixture.ts";
import { wallClock } from "./_wall_clock.ts";

const SITE = "shop";
const START = Date.parse("2026-10-12T00:00:00Z"); // a Monday, a week before the range
const FROM = "2026-10-19";
const TO = "2026-11-15";
const EXCLUDED = "v-3";

function generate(seed: number, rotating: boolean): ViewRow[] {
  const r = rng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(r() * list.length)];
  const rows: ViewRow[] = [];
  for (let v = 0; v < 40; v++) {
    const country = pick(["DE", "FI", "US"]);
    const bot = r() < 0.15;
    for (let visit = 0; visit < 1 + Math.floor(r() * 6); visit++) {
      const at = START + Math.floor(r() * 40 * 86_400_000);
      const day = new Date(at).toISOString().slice(0, 10);
      const id = rotating ? `v-${v}-${day}` : `v-${v}`;
      for (let p = 0; p < 1 + Math.floor(r() * 3); p++) {
        rows.push(view({
          site_id: SITE,
          visitor_id: id,
          session_id: `${id}-s${visit}`,
          path: pick(["/", "/pricing"]),
          country_code: country,
          bot_score: bot ? 70 : 0,
          created_at: new Date(at + p * 60_000).toISOString(),
        }));
      }
    }
  }
  return rows;
}

function mondayOf(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return d.toISOString().slice(0, 10);
}

function bruteForce(rows: ViewRow[], zone: string, bots: "hide" | "only", country: string | null) {
  const local = (iso: unknown) =>
    (zone === "UTC" ? String(iso) : wallClock(Date.parse(String(iso)), zone)).slice(0, 10);
  const kept = rows.filter((v) =>
    v.visitor_id !== EXCLUDED &&
    (bots === "hide" ? Number(v.bot_score) < 50 : Number(v.bot_score) >= 50) &&
    local(v.created_at) >= FROM && local(v.created_at) <= TO &&
    (!country || v.country_code === country)
  );
  const weeks = new Map<string, Set<string>>();
  const days = new Map<string, Map<string, Set<string>>>();
  for (const v of kept) {
    const k = String(v.visitor_id);
    weeks.set(k, (weeks.get(k) ?? new Set()).add(mondayOf(local(v.created_at))));
    const byDay = days.get(k) ?? new Map();
    const day = String(v.created_at).slice(0, 10);
    byDay.set(day, (byDay.get(day) ?? new Set()).add(String(v.session_id)));
    days.set(k, byDay);
  }
  const cells = new Map<string, number>();
  for (const seen of weeks.values()) {
    const cohort = [...seen].sort()[0];
    for (const w of seen) cells.set(`${cohort}|${w}`, (cells.get(`${cohort}|${w}`) ?? 0) + 1);
  }
  const visitorDays = [...days.values()].flatMap((m) => [...m.values()]);
  return {
    cells,
    multi: [...days.values()].filter((m) => m.size > 1).length,
    visitorDays: visitorDays.length,
    same: visitorDays.filter((s) => s.size > 1).length,
  };
}

async function app(rows: ViewRow[]): Promise<TestApp> {
  const t = await createTestApp();
  insertViews(t.services.db, rows);
  t.services.db.run("INSERT INTO excluded_visitors (visitor_id) VALUES (?)", EXCLUDED);
  return t;
}

function cohorts(t: TestApp, zone: string, bots: "hide" | "only", country: string | null) {
  const q = resolveQuery(
    QUERY_BODY.parse({
      site_id: SITE,
      metrics: ["visitors"],
      date_range: [FROM, TO],
      timezone: zone,
      bots,
      filters: country ? [["is", "visit:country", [country]]] : [],
    }),
    t.clock.now,
  );
  return runCohorts(readContext(t), q);
}

Deno.test("retention cohorts = brute force: lasting ids over four weeks, a filter, bots, two zones", async () => {
  let cells = 0;
  for (const seed of [1, 2]) {
    const rows = generate(seed, false);
    const t = await app(rows);
    for (const zone of ["UTC", "Pacific/Kiritimati"]) {
      for (const bots of ["hide", "only"] as const) {
        for (const country of [null, "DE"]) {
          const label = `${seed} ${zone} ${bots} ${country}`;
          const got = await cohorts(t, zone, bots, country);
          const want = bruteForce(rows, zone, bots, country);
          for (const c of got.cohorts) {
            c.weeks.forEach((n, i) => {
              const week = got.cohorts[0] && mondayAfter(c.cohort, i);
              assert.equal(
                n,
                want.cells.get(`${c.cohort}|${week}`) ?? 0,
                `${label} ${c.cohort}+${i}`,
              );
              cells++;
            });
            assert.equal(c.rates[0], 100);
          }
          const total = [...want.cells].filter(([k]) => k.split("|")[0] === k.split("|")[1])
            .reduce((n, [, v]) => n + v, 0);
          assert.equal(got.cohorts.reduce((n, c) => n + c.visitors, 0), total, label);
          assert.equal(got.multi_day_visitors, want.multi, label);
          assert.equal(got.measurable, want.multi > 0, label);
          assert.deepEqual(
            [got.same_day.visitor_days, got.same_day.returned],
            [want.visitorDays, want.same],
            label,
          );
        }
      }
    }
  }
  assert.ok(cells > 100, `${cells} cells compared`);
});

Deno.test("retention cohorts: with daily-rotating ids nothing is measurable across days; same-day returns still are", async () => {
  const rows = generate(3, true);
  const t = await app(rows);
  const got = await cohorts(t, "UTC", "hide", null);
  assert.equal(got.measurable, false);
  assert.equal(got.multi_day_visitors, 0);
  for (const c of got.cohorts) assert.ok(c.weeks.slice(1).every((n) => n === 0), c.cohort);
  const want = bruteForce(rows, "UTC", "hide", null);
  assert.deepEqual([got.same_day.visitor_days, got.same_day.returned], [
    want.visitorDays,
    want.same,
  ]);
  assert.ok(want.same > 0, "some visitors came back the same day");
});

function mondayAfter(monday: string, weeks: number): string {
  return new Date(Date.parse(`${monday}T00:00:00Z`) + weeks * 7 * 86_400_000).toISOString().slice(
    0,
    10,
  );
}
