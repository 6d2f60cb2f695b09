// Journeys (lib/query/journeys.ts, lib/db/query/journeys.ts) against a walk written out over the
// raw rows: seeded random visits (two sites, sessions with and without ids, pages repeated at once,
// sessions crossing the range's edges, bots at every score, an excluded visitor), then every
// direction and mode at several depths and widths, under filters on a view's own page and
// attributes and on its session's entry, exit and source, with bots hidden, shown, alone and at
// another threshold; nodes and links compared one by one.
import assert from "node:assert/strict";
import { insertViews } from "../lib/db/collect.ts";
import type { ViewRow } from "../lib/db/columns.ts";
import {
  type Journey,
  JOURNEY_BODY,
  journeyOf,
  runJourney,
  visitsBody,
} from "../lib/query/journeys.ts";
import { resolveQuery } from "../lib/query/model.ts";
import { createTestApp, readContext, type TestApp } from "./_helpers.ts";
import { rng } from "./_random.ts";
import { view } from "./_stats_fixture.ts";

const SITES = ["alpha", "beta"];
const START = Date.parse("2026-11-15T00:00:00.000Z");
const EXCLUDED = "alpha-v2";
const PAGES = ["/", "/a", "/b", "/c", "/d", "/e", "/f", "/g"];
type Row = ViewRow & { id: number };

function generate(seed: number): Row[] {
  const r = rng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(r() * list.length)];
  const rows: Row[] = [];
  for (const site of SITES) {
    for (let v = 0; v < 30; v++) {
      const visitor = `${site}-v${v}`;
      const attrs = {
        country_code: pick(["DE", "FI", null]),
        device_type: pick(["desktop", "mobile"]),
      };
      const sessions = 1 + Math.floor(r() * 3);
      for (let s = 0; s < sessions; s++) {
        const sid = r() < 0.8 ? `${visitor}-s${s}` : null;
        let at = START + Math.floor(r() * 6 * 86_400_000);
        const external = pick(["google.com", "t.co", null]);
        for (let p = 0, n = 1 + Math.floor(r() * 8); p < n; p++) {
          const previous = rows[rows.length - 1];
          // A page viewed again at once (a reload) now and then.
          const path = p > 0 && r() < 0.2 ? previous.path : pick(PAGES);
          rows.push({
            id: rows.length + 1,
            ...view({
              site_id: site,
              visitor_id: visitor,
              session_id: sid,
              path,
              ...attrs,
              referrer_domain: p === 0 ? external : `${site}.test`,
              referrer_type: p === 0 ? (external ? "search" : null) : "internal",
              bot_score: pick([0, 0, 0, 20, 40, 50, 60, 90]),
              created_at: new Date(at).toISOString(),
            }),
          });
          at += pick([20_000, 300_000, 3_600_000, 14 * 3_600_000]);
        }
      }
    }
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// The walk, written out

interface Ask {
  from: string;
  to: string;
  filters: unknown[];
  bots: "hide" | "show" | "only";
  threshold: number;
  page: string;
  direction: "next" | "previous";
  mode: "any" | "entry";
  depth: number;
  width: number;
}

interface Session {
  views: Row[];
  inRange: boolean;
}

const ms = (iso: unknown) => Date.parse(String(iso));
const DAY = 86_400_000;

function value(dimension: string, v: Row, s: Session): string {
  const entry = s.views[0];
  switch (dimension) {
    case "event:page":
      return String(v.path);
    case "visit:country":
      return String(v.country_code ?? "unknown");
    case "visit:device":
      return String(v.device_type ?? "unknown");
    case "visit:entry_page":
      return String(entry.path);
    case "visit:exit_page":
      return String(s.views[s.views.length - 1].path);
    case "visit:source":
      return entry.referrer_type !== "internal" && entry.referrer_domain
        ? String(entry.referrer_domain)
        : "Direct / None";
  }
  throw new Error(dimension);
}

function holds(f: unknown[], v: Row, s: Session): boolean {
  const [op, a, b] = f as [string, unknown, string[]];
  if (op === "and") return (a as unknown[][]).every((x) => holds(x, v, s));
  if (op === "or") return (a as unknown[][]).some((x) => holds(x, v, s));
  if (op === "not") return !holds(a as unknown[], v, s);
  const got = value(a as string, v, s);
  if (op === "is") return b.includes(got);
  if (op === "is_not") return !b.includes(got);
  if (op === "contains") return b.some((x) => got.includes(x));
  throw new Error(op);
}

/** Nodes and links by id, as the walk over the rows gives them. */
function walk(rows: Row[], ask: Ask) {
  const from = ms(`${ask.from}T00:00:00Z`);
  const to = ms(`${ask.to}T00:00:00Z`) + DAY;
  const kept = (score: unknown) =>
    ask.bots === "show" ||
    (ask.bots === "hide" ? Number(score) < ask.threshold : Number(score) >= ask.threshold);
  const bySession = new Map<string, Row[]>();
  for (const v of rows) {
    const at = ms(v.created_at);
    if (v.visitor_id === EXCLUDED || !kept(v.bot_score) || at < from - DAY || at >= to + DAY) {
      continue;
    }
    const key = `${v.site_id}|${v.session_id !== null ? `s${v.session_id}` : `v${v.visitor_id}`}`;
    bySession.set(key, [...(bySession.get(key) ?? []), v]);
  }
  const paths: string[][] = [];
  for (const views of bySession.values()) {
    views.sort((x, y) => ms(x.created_at) - ms(y.created_at) || x.id - y.id);
    const s: Session = { views, inRange: ms(views[0].created_at) >= from };
    if (!s.inRange || ms(views[0].created_at) >= to) continue;
    const inside = views.filter((v) => ms(v.created_at) < to);
    if (!inside.some((v) => ask.filters.every((f) => holds(f as unknown[], v, s)))) continue;
    const path = views.map((v) => String(v.path)).filter((p, i, all) =>
      i === 0 || all[i - 1] !== p
    );
    if (ask.direction === "previous") path.reverse();
    const at = ask.mode === "entry" ? (path[0] === ask.page ? 0 : -1) : path.indexOf(ask.page);
    if (at < 0) continue;
    // Each step's page, then the end once.
    const steps: (string | null)[] = [];
    for (let k = 0; k <= ask.depth && at + k <= path.length; k++) steps.push(path[at + k] ?? null);
    paths.push(steps as string[]);
  }
  const top = new Map<number, Set<string>>();
  for (let k = 0; k <= ask.depth; k++) {
    const counts = new Map<string, number>();
    for (const p of paths) if (p[k]) counts.set(p[k], (counts.get(p[k]) ?? 0) + 1);
    const ranked = [...counts].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1));
    top.set(k, new Set(ranked.slice(0, ask.width).map(([page]) => page)));
  }
  const idOf = (k: number, page: string | null) =>
    page === null ? `${k}:end` : top.get(k)!.has(page) ? `${k}:page:${page}` : `${k}:other`;
  const nodes = new Map<string, number>();
  const links = new Map<string, number>();
  const add = (m: Map<string, number>, key: string) => m.set(key, (m.get(key) ?? 0) + 1);
  for (const p of paths) {
    p.forEach((page, k) => {
      add(nodes, idOf(k, page));
      if (k > 0) add(links, `${idOf(k - 1, p[k - 1])} -> ${idOf(k, page)}`);
    });
  }
  return { nodes, links, visits: paths.length };
}

// ---------------------------------------------------------------------------------------------

function journey(t: TestApp, ask: Ask): Journey {
  const body = JOURNEY_BODY.parse({
    site_id: SITES,
    date_range: [ask.from, ask.to],
    filters: ask.filters,
    timezone: "UTC",
    bots: ask.bots,
    bot_threshold: ask.threshold,
    page: ask.page,
    direction: ask.direction,
    mode: ask.mode,
    depth: ask.depth,
    width: ask.width,
  });
  return journeyOf(resolveQuery(visitsBody(body), t.clock.now), body);
}

async function check(t: TestApp, rows: Row[], ask: Ask): Promise<number> {
  const label = JSON.stringify(ask);
  const got = await runJourney(readContext(t), journey(t, ask));
  const want = walk(rows, ask);
  assert.deepEqual(
    new Map(got.nodes.map((n) => [n.id, n.visits])),
    want.nodes,
    `nodes of ${label}`,
  );
  assert.deepEqual(
    new Map(got.links.map((l) => [`${l.source} -> ${l.target}`, l.visits])),
    want.links,
    `links of ${label}`,
  );
  assert.equal(got.meta.visits, want.visits, label);
  return want.visits;
}

const FILTERS: unknown[][] = [
  [],
  [["is", "event:page", ["/a", "/b"]]],
  [["is", "visit:country", ["DE"]]],
  [["is_not", "visit:device", ["mobile"]]],
  [["contains", "visit:entry_page", ["/c"]]],
  [["is", "visit:source", ["google.com"]]],
  [["not", ["is", "visit:exit_page", ["/"]]]],
  [["or", [["is", "visit:country", ["FI"]], ["is", "event:page", ["/d"]]]], [
    "is_not",
    "visit:entry_page",
    ["/e"],
  ]],
];

const BOTS: Pick<Ask, "bots" | "threshold">[] = [
  { bots: "hide", threshold: 50 },
  { bots: "show", threshold: 50 },
  { bots: "only", threshold: 50 },
  { bots: "hide", threshold: 30 },
];

async function seeded(seed: number): Promise<{ t: TestApp; rows: Row[] }> {
  const t = await createTestApp();
  const rows = generate(seed);
  insertViews(t.services.db, rows.map(({ id: _, ...v }) => v));
  t.services.db.run("INSERT INTO excluded_visitors (visitor_id) VALUES (?)", EXCLUDED);
  return { t, rows };
}

Deno.test("journeys = the walk over the raw rows: directions, modes, depths, widths, filters, bots", async () => {
  for (const seed of [7, 8]) {
    const { t, rows } = await seeded(seed);
    const r = rng(seed * 31);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(r() * list.length)];
    let visits = 0;
    for (const filters of FILTERS) {
      for (const bots of BOTS) {
        for (const direction of ["next", "previous"] as const) {
          for (const mode of ["any", "entry"] as const) {
            visits += await check(t, rows, {
              from: "2026-11-16",
              to: "2026-11-19",
              filters,
              ...bots,
              page: pick(PAGES.slice(0, 4)),
              direction,
              mode,
              depth: 1 + Math.floor(r() * 5),
              width: pick([1, 2, 3, 5, 10]),
            });
          }
        }
      }
    }
    // The walks were not all empty: the comparison compared something.
    assert.ok(visits > 300, `seed ${seed}: ${visits} visits walked`);
  }
});

Deno.test("journeys = the walk: one day's range (sessions crossing both edges), every anchor", async () => {
  const { t, rows } = await seeded(9);
  for (const page of PAGES) {
    for (const direction of ["next", "previous"] as const) {
      await check(t, rows, {
        from: "2026-11-17",
        to: "2026-11-17",
        filters: [],
        bots: "hide",
        threshold: 50,
        page,
        direction,
        mode: "any",
        depth: 5,
        width: 3,
      });
    }
  }
});
