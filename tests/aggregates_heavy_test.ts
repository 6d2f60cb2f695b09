// A visitor (or session) with thousands of views in a day — one client replaying hits under one
// address and user agent — is not kept in the per-day aggregates batch by batch (each batch would
// read its whole day: the writer's cost grew with the day, lib/db/aggregates.ts
// MAX_INCREMENTAL_VIEWS, MAX_RELATED_PER_VIEW). Its days are marked dirty instead: every batch is stored, answers come
// from the raw rows meanwhile and stay right, and a rebuild makes the aggregates exact again.
import assert from "node:assert/strict";
import { insertRows } from "../lib/db/collect.ts";
import { openDatabase } from "../lib/db/mod.ts";
import type { Database } from "../lib/db/database.ts";
import { MAX_INCREMENTAL_VIEWS } from "../lib/db/aggregates.ts";
import { rebuildDirtyAggregates } from "../lib/db/aggregates_rebuild.ts";
import { type AggregateRequest, queryAggregates } from "../lib/db/query/mod.ts";
import { aggregatedFamilies } from "../lib/db/query/aggregated.ts";
import type { Family } from "../lib/query/metrics.ts";
import { BOT_SCORE_THRESHOLD } from "../lib/bots/thresholds.ts";
import { SITE, view } from "./_stats_fixture.ts";

const DAY = "2026-11-20";
const FAMILIES: Family[] = ["views", "sessions", "bots"];

function at(i: number): string {
  return new Date(Date.parse(`${DAY}T00:00:00Z`) + i * 20_000).toISOString();
}

function request(aggregates: boolean, dimensions: string[] = []): AggregateRequest {
  return {
    siteIds: [SITE],
    fromMs: Date.parse(`${DAY}T00:00:00Z`),
    toMs: Date.parse(`${DAY}T00:00:00Z`) + 86_400_000,
    spans: [],
    dimensions,
    filter: null,
    bots: { mode: "hide", threshold: BOT_SCORE_THRESHOLD },
    aggregates,
  };
}

/** The engine's answer with the aggregates allowed, the raw rows' answer, and whether the
 * aggregates answered. */
function answers(db: Database, dimensions: string[]) {
  const sorted = (rows: { dimensions: string[] }[] | undefined) =>
    JSON.stringify(
      [...rows ?? []].sort((a, b) => a.dimensions.join() < b.dimensions.join() ? -1 : 1),
    );
  const fast = queryAggregates(db, request(true, dimensions), FAMILIES);
  const raw = queryAggregates(db, request(false, dimensions), FAMILIES);
  const served = aggregatedFamilies(db, request(true, dimensions), FAMILIES)?.size ?? 0;
  return {
    same: FAMILIES.every((f) => sorted(fast.get(f)) === sorted(raw.get(f))),
    raw,
    served,
  };
}

Deno.test("aggregates: a visitor above MAX_INCREMENTAL_VIEWS (or a batch reading too much) marks its days dirty; every view stored, answers right, exact after a rebuild", () => {
  const dir = Deno.makeTempDirSync();
  const db = openDatabase(`${dir}/heavy.db`);
  try {
    // Other visitors, kept batch by batch.
    const others = Array.from(
      { length: 50 },
      (_, i) =>
        view({ visitor_id: `o${i}`, session_id: `os${i}`, path: `/o/${i % 5}`, created_at: at(i) }),
    );
    insertRows(db, "visitor_views", others);
    assert.equal(rebuildDirtyAggregates(db), 0, "nothing dirty after ordinary batches");
    assert.equal(answers(db, ["event:page"]).served, FAMILIES.length);

    // One visitor, no session id (its key is the visitor), in batches of 500 views.
    const total = MAX_INCREMENTAL_VIEWS + 700;
    for (let i = 0; i < total; i += 500) {
      const batch = Array.from(
        { length: Math.min(500, total - i) },
        (_, k) =>
          view({ visitor_id: "replay", path: `/r/${(i + k) % 7}`, created_at: at(100 + i + k) }),
      );
      insertRows(db, "visitor_views", batch);
    }
    const stored = db.get<{ n: number }>(
      "SELECT COUNT(*) AS n FROM visitor_views WHERE visitor_id = 'replay'",
    )!.n;
    assert.equal(stored, total, "every view of the heavy visitor is stored");
    const dirty = db.all<{ day: string }>("SELECT day FROM aggregate_dirty ORDER BY day");
    assert.ok(dirty.some((d) => d.day === DAY), `the day is dirty: ${JSON.stringify(dirty)}`);

    // Meanwhile the engine answers from the raw rows, and right.
    for (const dims of [[], ["event:page"], ["visit:entry_page"]]) {
      const a = answers(db, dims);
      assert.equal(a.served, 0, `${dims}: not from the aggregates while the day is dirty`);
      assert.ok(a.same, `${dims}: the same figures`);
    }
    const totals = answers(db, []).raw.get("views")![0].values;
    assert.equal(totals.pageviews, 50 + total);
    assert.equal(totals.visitors, 51);

    // The rebuild reads the day whole, once; then the aggregates answer, with the same figures.
    assert.ok(rebuildDirtyAggregates(db) >= 1);
    for (const dims of [[], ["event:page"], ["visit:entry_page"], ["visit:exit_page"]]) {
      const a = answers(db, dims);
      assert.equal(a.served, FAMILIES.length, `${dims}: from the aggregates after the rebuild`);
      assert.ok(a.same, `${dims}: exact after the rebuild`);
    }

    // A session id shared by many visitors (any client can send one) is heavy too.
    const shared = Array.from(
      { length: MAX_INCREMENTAL_VIEWS + 10 },
      (_, i) =>
        view({ visitor_id: `s${i}`, session_id: "forged", path: "/s", created_at: at(3000 + i) }),
    );
    insertRows(db, "visitor_views", shared.slice(0, MAX_INCREMENTAL_VIEWS));
    assert.equal(rebuildDirtyAggregates(db), 0, "up to the limit: kept batch by batch");
    insertRows(db, "visitor_views", shared.slice(MAX_INCREMENTAL_VIEWS));
    assert.ok(
      db.get<{ n: number }>("SELECT COUNT(*) AS n FROM aggregate_dirty WHERE day = ?", DAY)!.n,
      "a batch of a session above the limit marks the day",
    );
    assert.ok(answers(db, ["event:page"]).same);
    rebuildDirtyAggregates(db);
    const after = answers(db, ["event:page"]);
    assert.equal(after.served, FAMILIES.length);
    assert.ok(after.same);

    // Returning visitors with hundreds of views each, in a small batch: too much to re-read.
    const regulars = (round: number) =>
      Array.from(
        { length: 10 },
        (_, v) =>
          view({
            visitor_id: `r${v}`,
            path: `/g/${round % 3}`,
            created_at: new Date(Date.parse(`${DAY}T14:00:00Z`) + (round * 10 + v) * 1000)
              .toISOString(),
          }),
      );
    for (let round = 0; round < 300; round += 50) {
      insertRows(
        db,
        "visitor_views",
        Array.from({ length: 50 }, (_, k) => regulars(round + k)).flat(),
      );
    }
    rebuildDirtyAggregates(db);
    insertRows(db, "visitor_views", regulars(300));
    assert.ok(
      db.get<{ n: number }>("SELECT COUNT(*) AS n FROM aggregate_dirty WHERE day = ?", DAY)!.n,
      "10 views whose visitors have 3,000 views between them mark the day",
    );
    assert.ok(answers(db, ["event:page"]).same);
    rebuildDirtyAggregates(db);
    assert.equal(answers(db, ["event:page"]).served, FAMILIES.length);
    assert.ok(answers(db, ["event:page"]).same);
  } finally {
    db.close();
    Deno.removeSync(dir, { recursive: true });
  }
});
