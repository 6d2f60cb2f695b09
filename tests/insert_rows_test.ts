// The writer's batch insert (lib/db/collect.ts insertRows): rows go in ROWS_PER_INSERT at a time
// with the rest one by one; whatever the batch size, every row is stored once, in order, with
// every column as given, and its sessions and per-day aggregates count it.
import assert from "node:assert/strict";
import { insertEvents, insertViews, ROWS_PER_INSERT } from "../lib/db/collect.ts";
import { EVENT_COLUMNS, VIEW_COLUMNS } from "../lib/db/columns.ts";
import { openDatabase } from "../lib/db/mod.ts";
import { event, view } from "./_stats_fixture.ts";

const SIZES = [
  1,
  ROWS_PER_INSERT - 1,
  ROWS_PER_INSERT,
  ROWS_PER_INSERT + 1,
  2 * ROWS_PER_INSERT + 23,
];

function withDb(fn: (db: ReturnType<typeof openDatabase>) => void) {
  const dir = Deno.makeTempDirSync();
  const db = openDatabase(`${dir}/t.db`);
  try {
    fn(db);
  } finally {
    db.close();
    Deno.removeSync(dir, { recursive: true });
  }
}

/** Rows made by `make(n)` (n from 1), inserted in batches of each of SIZES; all of them. */
function insertBatches<T>(make: (n: number) => T, insert: (batch: T[]) => void): T[] {
  let n = 0;
  const all: T[] = [];
  for (const size of SIZES) {
    const batch = Array.from({ length: size }, () => make(++n));
    insert(batch);
    all.push(...batch);
  }
  return all;
}

Deno.test("insertRows: views of every batch size are stored once, in order, column for column", () => {
  withDb((db) => {
    const all = insertBatches((n) =>
      view({
        visitor_id: `vis-${n % 7}`,
        session_id: n % 5 === 0 ? null : `tab-${n % 11}`,
        path: `/p/${n}`,
        bot_score: n % 3 === 0 ? 60 : 0,
        utm_source: n % 4 === 0 ? "mail" : null,
        created_at: new Date(Date.UTC(2026, 10, 19, 10, 0, 0, n)).toISOString(),
      }), (batch) => insertViews(db, batch));
    const stored = db.all<Record<string, unknown>>(
      `SELECT id, ${VIEW_COLUMNS.join(", ")} FROM visitor_views ORDER BY id`,
    );
    assert.deepEqual(stored.map((r) => r.id), all.map((_, i) => i + 1));
    assert.deepEqual(stored.map(({ id: _, ...r }) => ({ ...r })), all.map((r) => ({ ...r })));
    // The sessions table and the aggregates saw every view of every batch.
    const sessionViews = db.get<{ n: number }>("SELECT SUM(views) AS n FROM sessions")!.n;
    assert.equal(sessionViews, all.length);
    const counted = db.get<{ n: number }>(
      "SELECT SUM(pageviews) AS n FROM day_aggregates WHERE dim = ''",
    )!.n;
    assert.equal(counted, all.length);
  });
});

Deno.test("insertRows: events of every batch size are stored once, in order, and aggregated", () => {
  withDb((db) => {
    const all = insertBatches((n) =>
      event({
        visitor_id: `vis-${n % 7}`,
        event_type: "custom",
        event_name: `e${n % 3}`,
        created_at: new Date(Date.UTC(2026, 10, 19, 10, 0, 0, n)).toISOString(),
      }), (batch) => insertEvents(db, batch));
    const stored = db.all<Record<string, unknown>>(
      `SELECT ${EVENT_COLUMNS.join(", ")} FROM semantic_events ORDER BY id`,
    );
    assert.deepEqual(stored.map((r) => ({ ...r })), all.map((r) => ({ ...r })));
    const counted = db.get<{ n: number }>(
      "SELECT SUM(events) AS n FROM day_event_aggregates WHERE dim = ''",
    )!.n;
    assert.equal(counted, all.length);
  });
});
