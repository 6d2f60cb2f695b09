// Local days and hours of the query engine across a DST change: Europe/Helsinki leaves summer
// time on 2026-10-25 at 01:00 UTC (04:00 EEST becomes 03:00 EET), so that local day has 25 hours
// and two different UTC hours fall into the local hour 03:00.
import assert from "node:assert/strict";
import { insertViews } from "../lib/db/collect.ts";
import { QUERY_BODY, resolveQuery } from "../lib/query/model.ts";
import { runQuery } from "../lib/query/run.ts";
import { createTestApp, readContext } from "./_helpers.ts";
import { view } from "./_stats_fixture.ts";

Deno.test("time zones: a DST day's local hours and day boundaries", async () => {
  const t = await createTestApp();
  const at = [
    "2026-10-24T20:30:00.000Z", // 23:30 EEST on the 24th: outside
    "2026-10-24T21:30:00.000Z", // 00:30 EEST on the 25th
    "2026-10-25T00:30:00.000Z", // 03:30 EEST
    "2026-10-25T01:30:00.000Z", // 03:30 EET
    "2026-10-25T21:30:00.000Z", // 23:30 EET
    "2026-10-25T22:30:00.000Z", // 00:30 EET on the 26th: outside
  ];
  insertViews(
    t.services.db,
    at.map((created_at, i) => view({ visitor_id: `v${i}`, session_id: `s${i}`, created_at })),
  );
  const ask = (body: Record<string, unknown>) =>
    runQuery(
      readContext(t),
      resolveQuery(
        QUERY_BODY.parse({
          site_id: "shop",
          metrics: ["pageviews"],
          date_range: ["2026-10-25", "2026-10-25"],
          timezone: "Europe/Helsinki",
          ...body,
        }),
        t.clock.now,
      ),
    );
  const day = await ask({ dimensions: ["time:day"] });
  assert.deepEqual(day.results, [{ dimensions: ["2026-10-25"], metrics: [4] }]);
  assert.deepEqual(day.query.date_range, [
    "2026-10-25T00:00:00+03:00",
    "2026-10-25T23:59:59+02:00",
  ]);
  const hours = await ask({ dimensions: ["time:hour"], include: { time_labels: true } });
  assert.deepEqual(hours.results, [
    { dimensions: ["2026-10-25 00:00:00"], metrics: [1] },
    { dimensions: ["2026-10-25 03:00:00"], metrics: [2] },
    { dimensions: ["2026-10-25 23:00:00"], metrics: [1] },
  ]);
  const labels = hours.meta.time_labels!;
  assert.equal(labels.length, 24, "the repeated 03:00 is one bucket");
  assert.deepEqual([labels[0], labels[23]], ["2026-10-25 00:00:00", "2026-10-25 23:00:00"]);
  // The same rows in UTC: the 24th has two views, the 25th four.
  const utc = await ask({
    dimensions: ["time:day"],
    timezone: "UTC",
    date_range: ["2026-10-24", "2026-10-25"],
  });
  assert.deepEqual(utc.results.map((r) => [r.dimensions[0], r.metrics[0]]), [
    ["2026-10-24", 2],
    ["2026-10-25", 4],
  ]);
});
