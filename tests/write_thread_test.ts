// Tests for the write thread (lib/db/write_thread.ts + write_worker.ts): batches sent from the
// main thread are committed by the worker's own connection to the same file, in order; a failing
// batch is refused (the writer keeps it); and a started collector stores every hit through it.
import assert from "node:assert/strict";
import { VIEW_COLUMNS, type ViewRow } from "../lib/db/columns.ts";
import { openDatabase } from "../lib/db/mod.ts";
import { WriteThread } from "../lib/db/write_thread.ts";
import { serveWrites } from "../lib/db/write_worker.ts";
import { createTestApp } from "./_helpers.ts";
import { beaconUrl, BROWSER_HEADERS } from "./_collect.ts";

function view(n: number, fields: Partial<ViewRow> = {}): ViewRow {
  const row = Object.fromEntries(VIEW_COLUMNS.map((c) => [c, null])) as ViewRow;
  return {
    ...row,
    visitor_id: `v${n}`,
    site_id: "site-a",
    path: `/p/${n}`,
    is_spa: 0,
    is_returning: 0,
    is_pwa: 0,
    bot_score: 15,
    bot_score_detail: JSON.stringify({ pow: 15, pow_result: "missing" }),
    created_at: new Date(Date.UTC(2026, 10, 20, 12, 0, 0, n)).toISOString(),
    ...fields,
  };
}

async function withFile(fn: (path: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    await fn(`${dir}/thread.db`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("write thread: batches are committed in order by the worker's connection", async () => {
  await withFile(async (path) => {
    const db = openDatabase(path);
    const thread = new WriteThread(path);
    try {
      const rows = Array.from({ length: 2500 }, (_, n) => view(n));
      await Promise.all([
        thread.insert("visitor_views", rows.slice(0, 1000)),
        thread.insert("visitor_views", rows.slice(1000)),
      ]);
      const stored = db.all<{ path: string; bot_score: number; created_at: string }>(
        "SELECT path, bot_score, created_at FROM visitor_views ORDER BY id",
      );
      assert.equal(stored.length, 2500, "visible to the main connection once resolved");
      assert.deepEqual(stored.map((r) => r.path), rows.map((r) => r.path));
      assert.deepEqual({ ...stored[7] }, {
        path: "/p/7",
        bot_score: 15,
        created_at: rows[7].created_at,
      });
    } finally {
      await thread.close();
      db.close();
    }
    assert.equal(thread.failed, true, "a closed thread takes no more batches");
    await assert.rejects(thread.insert("visitor_views", [view(1)]), /closed/);
  });
});

Deno.test("write thread: a batch that cannot be written is refused whole", async () => {
  await withFile(async (path) => {
    const db = openDatabase(path);
    const thread = new WriteThread(path);
    try {
      // visitor_id is NOT NULL: the second row fails, so the transaction rolls back.
      const bad = [view(1), view(2, { visitor_id: null })];
      await assert.rejects(thread.insert("visitor_views", bad), /NOT NULL/);
      assert.equal(db.get<{ n: number }>("SELECT count(*) AS n FROM visitor_views")?.n, 0);
      assert.equal(thread.failed, false, "one bad batch does not end the thread");
      await thread.insert("visitor_views", [view(3)]);
      assert.equal(db.get<{ n: number }>("SELECT count(*) AS n FROM visitor_views")?.n, 1);
    } finally {
      await thread.close();
      db.close();
    }
  });
});

Deno.test("write thread: only file databases get one", () => {
  assert.equal(WriteThread.isSupported("./echelon.db"), true);
  assert.equal(WriteThread.isSupported(":memory:"), false);
  assert.equal(WriteThread.isSupported("file::memory:?cache=shared"), false);
});

Deno.test("write thread: the worker's handler answers every message, errors included", () => {
  const replies: { id: number; error?: string }[] = [];
  const scope = {
    onmessage: null as ((event: MessageEvent) => void) | null,
    postMessage: (reply: { id: number; error?: string }) => replies.push(reply),
    close: () => {},
  };
  serveWrites(scope);
  const send = (data: unknown) => scope.onmessage!({ data } as MessageEvent);
  send({
    kind: "insert",
    id: 1,
    path: "/nonexistent/dir/x.db",
    table: "visitor_views",
    json: "[]",
  });
  send({ kind: "close", id: 2 });
  assert.equal(replies[0].id, 1);
  assert.match(replies[0].error ?? "", /unable to open|cannot open|open/i);
  assert.deepEqual(replies[1], { id: 2 });
});

Deno.test("write thread: a started collector on a file stores every hit through it", async () => {
  await withFile(async (path) => {
    const t = await createTestApp({ ECHELON_DB_PATH: path, ECHELON_VIEW_FLUSH_MS: "20" });
    const collect = t.services.collect;
    assert.equal(await collect.writesOffThread(), false, "nothing starts before start()");
    await collect.start();
    assert.equal(await collect.writesOffThread(), true);
    try {
      for (let n = 0; n < 30; n++) {
        const res = await t.request(beaconUrl({ p: btoa(`/thread/${n}`) }), {
          headers: BROWSER_HEADERS,
        });
        assert.equal(res.status, 200);
        await res.body?.cancel();
      }
    } finally {
      await collect.stop(Date.now() + 10_000);
    }
    const paths = t.services.db.all<{ path: string }>(
      "SELECT path FROM visitor_views ORDER BY id",
    ).map((r) => r.path);
    assert.deepEqual(paths, Array.from({ length: 30 }, (_, n) => `/thread/${n}`));
    assert.equal(collect.views.stats().written, 30);
    t.services.db.close();
  });
});

Deno.test("write thread: after a batch, the writer rebuilds a day of per-day aggregates left dirty", async () => {
  await withFile(async (path) => {
    const db = openDatabase(path);
    const thread = new WriteThread(path);
    const totals = () =>
      db.get<{ pageviews: number; visitors: number }>(
        `SELECT pageviews, visitors FROM day_aggregates
         WHERE site_id = 'site-a' AND day = '2026-11-20' AND dim = '' AND bot = 0`,
      );
    try {
      await thread.insert("visitor_views", [view(1), view(2), view(3, { visitor_id: "v1" })]);
      assert.deepEqual({ ...totals() }, { pageviews: 3, visitors: 2 });
      // An exclusion leaves its visitor's day (and the days either side, here without views)
      // dirty: answered from the raw rows until rebuilt.
      db.run("INSERT INTO excluded_visitors (visitor_id) VALUES ('v2')");
      const dirty = () => db.all<{ day: string }>("SELECT day FROM aggregate_dirty ORDER BY day");
      assert.deepEqual(dirty().map((r) => r.day), ["2026-11-19", "2026-11-20", "2026-11-21"]);
      db.run("DELETE FROM aggregate_dirty WHERE day <> '2026-11-20'");
      // The next batch (another site) is followed by the rebuild, which the writer runs after
      // answering the batch: v2 is gone from the day soon after.
      await thread.insert("visitor_views", [view(4, { site_id: "site-b" })]);
      for (let waited = 0; dirty().length > 0 && waited < 5_000; waited += 20) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      assert.deepEqual(dirty(), []);
      assert.deepEqual({ ...totals() }, { pageviews: 2, visitors: 1 });
    } finally {
      await thread.close();
      db.close();
    }
  });
});

Deno.test("write thread: a failed rebuild of per-day aggregates is counted in /api/health and /metrics, the day stays dirty", async () => {
  await withFile(async (path) => {
    const token = "3b8e1f6a9c2d5e7f0a4b8c1d6e9f2a5b7c0d3e6f9a1b4c7d";
    const t = await createTestApp({
      ECHELON_DB_PATH: path,
      ECHELON_VIEW_FLUSH_MS: "20",
      ECHELON_METRICS_TOKEN: token,
    });
    const db = t.services.db;
    const health = async () => (await (await t.request("/api/health")).json()).aggregates;
    assert.deepEqual(await health(), { rebuild_failures: 0, last_rebuild_error: null });
    // A dirty day whose rebuild cannot run: its events table is gone.
    db.exec("DROP TABLE day_event_aggregates");
    db.run("INSERT INTO aggregate_dirty (site_id, day) VALUES ('site-a', '2026-11-20')");
    const collect = t.services.collect;
    await collect.start();
    try {
      const res = await t.request(beaconUrl({ p: btoa("/rebuild") }), { headers: BROWSER_HEADERS });
      assert.equal(res.status, 200);
      await res.body?.cancel();
      for (
        let waited = 0;
        (await health()).rebuild_failures === 0 && waited < 5_000;
        waited += 20
      ) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const shown = await health();
      assert.equal(shown.rebuild_failures, 1);
      assert.match(shown.last_rebuild_error, /day_event_aggregates/);
      const metrics = await (await t.request("/metrics", {
        headers: { authorization: `Bearer ${token}` },
      })).text();
      assert.match(metrics, /^echelon_aggregate_rebuild_failures_total 1$/m);
    } finally {
      await collect.stop(Date.now() + 10_000);
    }
    // The view was stored; the day waits for a later rebuild (read from the raw rows meanwhile).
    assert.deepEqual(
      db.all<{ path: string }>("SELECT path FROM visitor_views").map((r) => r.path),
      [
        "/rebuild",
      ],
    );
    assert.equal(db.get<{ n: number }>("SELECT COUNT(*) AS n FROM aggregate_dirty")!.n, 1);
    db.close();
  });
});
