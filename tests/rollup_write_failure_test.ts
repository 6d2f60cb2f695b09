// The rollup job when a write fails part-way (issue 13, item 1: a full disk can refuse one
// transaction and accept the next, smaller one): the days an exclusion change touched are
// recorded in the same transaction that marks the change as seen, so a failed run loses none.
import assert from "node:assert/strict";
import { refreshRollups } from "../lib/stats/mod.ts";
import { createTestApp } from "./_helpers.ts";
import { D0, D1, D2, insertFixture, SECRET } from "./_stats_fixture.ts";

Deno.test("rollup job: a run that cannot record the changed days loses none of them", async () => {
  const t = await createTestApp({ ECHELON_SECRET: SECRET });
  insertFixture(t);
  const db = t.services.db;
  const views = (date: string) =>
    db.get<{ views: number }>("SELECT views FROM rollup_daily_totals WHERE date = ?", date)
      ?.views ?? 0;
  await refreshRollups(t.services);
  assert.equal(views(D0), 1, "v8's view on D0 is counted, and D0's rollup is final");

  db.run("INSERT INTO excluded_visitors (visitor_id, label) VALUES ('v8', 'test')");
  db.exec(`CREATE TEMP TRIGGER refuse_dirty BEFORE INSERT ON rollup_dirty
    BEGIN SELECT RAISE(FAIL, 'write refused'); END`);
  await assert.rejects(() => refreshRollups(t.services), /write refused/);
  db.exec("DROP TRIGGER refuse_dirty");

  const run = await refreshRollups(t.services);
  assert.deepEqual(run.days.map((d) => d.date), [D2, D1, D0], "D0 is rebuilt after all");
  assert.equal(views(D0), 0, "the excluded visitor no longer counts on D0");
});
