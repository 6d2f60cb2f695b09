// The writer keeps the views it has aggregated in memory for its next batches
// (lib/db/aggregates_cache.ts). What a user would see if it trusted them after the rows changed
// under it: wrong per-day figures on the dashboard. Here a writer connection (as the write thread's)
// writes batches while another connection (the app's) changes the raw rows the writer has in
// memory — a rescoring then a rebuild, a visitor's exclusion, a site's deletion — and a batch fails
// halfway; after each, the writer's next batches must leave exactly what a rebuild from the raw
// rows writes, and the figures the engine reads must match the rows.
import assert from "node:assert/strict";
import { insertViews } from "../lib/db/collect.ts";
import { Database } from "../lib/db/database.ts";
import { openDatabase } from "../lib/db/mod.ts";
import { rebuildAllAggregates, rebuildDirtyAggregates } from "../lib/db/aggregates_rebuild.ts";
import { deleteSiteAggregates } from "../lib/db/aggregates.ts";
import { view } from "./_stats_fixture.ts";

const DAY = "2026-11-20";
const at = (time: string) => `${DAY}T${time}.000Z`;

/** Every counted row of day_aggregates, in key order. */
function snapshot(db: Database): string {
  return JSON.stringify(db.all(
    `SELECT * FROM day_aggregates
     WHERE pageviews OR visitors OR visits OR bounces OR session_views OR duration_ms
     ORDER BY site_id, dim, day, bot, value, late`,
  ));
}

/** The day's human page views and visitors of `page` on the totals and page rows. */
function figures(db: Database, page: string) {
  const row = (dim: string, value: string) =>
    db.get<{ pageviews: number; visitors: number; visits: number }>(
      `SELECT pageviews, visitors, visits FROM day_aggregates
       WHERE site_id = 'shop' AND day = ? AND bot = 0 AND dim = ? AND value = ? AND late = 0`,
      DAY,
      dim,
      value,
    ) ?? { pageviews: 0, visitors: 0, visits: 0 };
  return { total: { ...row("", "") }, page: { ...row("event:page", page) } };
}

/** What the raw rows say for the same figures (humans, visitors not excluded). */
function fromRows(db: Database, page: string) {
  const q = (where: string) => ({
    ...db.get<{ pageviews: number; visitors: number }>(
      `SELECT COUNT(*) AS pageviews, COUNT(DISTINCT visitor_id) AS visitors FROM visitor_views
       WHERE site_id = 'shop' AND bot_score < 50 ${where}
         AND visitor_id NOT IN (SELECT visitor_id FROM excluded_visitors)`,
    )!,
  });
  return { total: q(""), page: q(`AND path = '${page}'`) };
}

/** The writer's rows must be what a rebuild of every day writes, and match the raw rows. */
function assertExact(writer: Database, app: Database, what: string) {
  assert.equal(
    app.get<{ n: number }>("SELECT COUNT(*) AS n FROM aggregate_dirty")!.n,
    0,
    `${what}: nothing left to rebuild`,
  );
  const written = snapshot(app);
  const seen = figures(app, "/pricing");
  const rows = fromRows(app, "/pricing");
  assert.deepEqual(
    { total: { pageviews: seen.total.pageviews, visitors: seen.total.visitors } },
    { total: rows.total },
    `${what}: the day's page views and visitors`,
  );
  assert.deepEqual(
    { pageviews: seen.page.pageviews, visitors: seen.page.visitors },
    rows.page,
    `${what}: /pricing's page views and visitors`,
  );
  rebuildAllAggregates(writer);
  assert.equal(snapshot(app), written, `${what}: the batches wrote what a rebuild writes`);
}

function setup() {
  const dir = Deno.makeTempDirSync();
  const path = `${dir}/cache.db`;
  const app = openDatabase(path);
  const writer = new Database(path); // the write thread's own connection
  const v = (visitor: string, session: string, path: string, time: string, more = {}) =>
    view({
      site_id: "shop",
      visitor_id: visitor,
      session_id: session,
      path,
      created_at: at(time),
      ...more,
    });
  const close = () => {
    writer.close();
    app.close();
    Deno.removeSync(dir, { recursive: true });
  };
  return { app, writer, v, close };
}

Deno.test("aggregates cache: a rescoring and a rebuild on another connection between two batches", () => {
  const { app, writer, v, close } = setup();
  try {
    insertViews(writer, [
      v("ann", "s1", "/", "09:00:00"),
      v("ann", "s1", "/pricing", "09:01:00"),
      v("bob", "s2", "/pricing", "09:02:00"),
    ]);
    // The app rescores ann's first view as a bot and rebuilds the marked days at once.
    app.run("UPDATE visitor_views SET bot_score = 80 WHERE visitor_id = 'ann' AND path = '/'");
    assert.ok(rebuildDirtyAggregates(app) > 0);
    // ann's next view in the same session: her session and her day as the rows are now.
    insertViews(writer, [v("ann", "s1", "/pricing", "09:03:00"), v("cy", "s3", "/", "09:04:00")]);
    assertExact(writer, app, "after a rescoring");
    assert.deepEqual(figures(app, "/pricing").page, { pageviews: 3, visitors: 2, visits: 2 });
  } finally {
    close();
  }
});

Deno.test("aggregates cache: a visitor excluded on another connection, then their next view", () => {
  const { app, writer, v, close } = setup();
  try {
    insertViews(writer, [v("ann", "s1", "/pricing", "09:00:00"), v("bob", "s2", "/", "09:01:00")]);
    app.run("INSERT INTO excluded_visitors (visitor_id) VALUES ('ann')");
    // The writer's next batch comes before any rebuild: its rows must not be built on ann's.
    insertViews(writer, [
      v("ann", "s1", "/pricing", "09:02:00"),
      v("bob", "s2", "/pricing", "09:03:00"),
    ]);
    rebuildDirtyAggregates(writer);
    assertExact(writer, app, "after an exclusion");
    assert.deepEqual(figures(app, "/pricing").page, { pageviews: 1, visitors: 1, visits: 1 });
    // Taken back: ann counts again from the next batch on.
    app.run("DELETE FROM excluded_visitors WHERE visitor_id = 'ann'");
    rebuildDirtyAggregates(app);
    insertViews(writer, [v("ann", "s1", "/docs", "09:05:00")]);
    assertExact(writer, app, "after the exclusion was removed");
    assert.equal(figures(app, "/pricing").total.pageviews, 5);
  } finally {
    close();
  }
});

Deno.test("aggregates cache: a site's data deleted on another connection, then new views of the same visitors", () => {
  const { app, writer, v, close } = setup();
  try {
    insertViews(writer, [
      v("ann", "s1", "/pricing", "09:00:00"),
      v("ann", "s1", "/", "09:01:00"),
    ]);
    app.transaction(() => {
      app.run("DELETE FROM visitor_views WHERE site_id = 'shop'");
      app.run("DELETE FROM sessions WHERE site_id = 'shop'");
      deleteSiteAggregates(app, "shop");
    });
    insertViews(writer, [v("ann", "s1", "/pricing", "10:00:00")]);
    assertExact(writer, app, "after the site's deletion");
    assert.deepEqual(figures(app, "/pricing"), {
      total: { pageviews: 1, visitors: 1, visits: 1 },
      page: { pageviews: 1, visitors: 1, visits: 1 },
    });
  } finally {
    close();
  }
});

Deno.test("aggregates cache: a batch that fails halfway leaves nothing behind in the next ones", () => {
  const { app, writer, v, close } = setup();
  try {
    insertViews(writer, [v("ann", "s1", "/", "09:00:00")]);
    // A fault after the batch's views were read (the aggregates' write): the whole batch rolls
    // back, as with a full disk.
    writer.exec(`CREATE TEMP TRIGGER boom BEFORE INSERT ON day_aggregates
      WHEN NEW.value = '/boom' BEGIN SELECT RAISE(ABORT, 'disk full'); END`);
    assert.throws(
      () =>
        insertViews(writer, [v("ann", "s1", "/boom", "09:01:00"), v("bob", "s2", "/", "09:02:00")]),
      /disk full/,
    );
    writer.exec("DROP TRIGGER boom");
    assert.equal(app.get<{ n: number }>("SELECT COUNT(*) AS n FROM visitor_views")!.n, 1);
    insertViews(writer, [v("ann", "s1", "/pricing", "09:03:00")]);
    assertExact(writer, app, "after a failed batch");
    assert.deepEqual(figures(app, "/pricing").total, { pageviews: 2, visitors: 1, visits: 1 });
  } finally {
    close();
  }
});
