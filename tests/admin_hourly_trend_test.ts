// The dashboard's hourly trend (lib/admin/trend.ts): for Today it shows 24 hours whose page views
// and visitors are those of the stored human rows of each hour (bots left out, a visitor seen
// twice in an hour counted once), with the day before's hours dashed by position; a 3-day range
// is by day again.
import assert from "node:assert/strict";
import { insertViews } from "../lib/db/collect.ts";
import { adminApp, adminHtml, registerSite } from "./_admin.ts";
import { view } from "./_stats_fixture.ts";

Deno.test("hourly trend: Today's hours count the stored human rows of each hour", async () => {
  const app = await adminApp();
  registerSite(app, "shop");
  const rows = [
    view({ visitor_id: "a", session_id: "s1", created_at: "2026-11-20T00:10:00.000Z" }),
    view({ visitor_id: "a", session_id: "s1", created_at: "2026-11-20T00:40:00.000Z" }),
    view({ visitor_id: "b", session_id: "s2", created_at: "2026-11-20T00:50:00.000Z" }),
    view({ visitor_id: "c", session_id: "s3", created_at: "2026-11-20T09:05:00.000Z" }),
    view({ visitor_id: "bot", session_id: "s4", created_at: "2026-11-20T09:06:00.000Z" }),
    view({ visitor_id: "d", session_id: "s5", created_at: "2026-11-19T09:30:00.000Z" }),
  ];
  rows[4].bot_score = 80;
  insertViews(app.services.db, rows);

  // Expected, from what is stored: human rows of today per UTC hour.
  const stored = app.services.db.all<{ created_at: string; visitor_id: string }>(
    "SELECT created_at, visitor_id FROM visitor_views WHERE site_id = 'shop' AND bot_score < 50",
  );
  const expect = new Map<string, { views: number; visitors: Set<string> }>();
  for (const row of stored) {
    if (!row.created_at.startsWith("2026-11-20")) continue;
    const hour = `${row.created_at.slice(0, 10)} ${row.created_at.slice(11, 13)}:00`;
    const e = expect.get(hour) ?? { views: 0, visitors: new Set() };
    e.views++;
    e.visitors.add(row.visitor_id);
    expect.set(hour, e);
  }

  const { status, html } = await adminHtml(app, "/admin?site=shop&period=today");
  assert.equal(status, 200);
  assert.match(html, /<figure id="trend-chart" data-total-views="4" data-hours="24"/);
  assert.match(html, /Page views and visitors per hour \(UTC\)/);
  const shown = [
    ...html.matchAll(
      /<tr data-date="([^"]+)" data-views="(\d+)" data-visitors="(\d+)">[\s\S]*?<\/tr>/g,
    ),
  ];
  assert.equal(shown.length, 24);
  for (const [row, hour, views, visitors] of shown) {
    const e = expect.get(hour);
    assert.deepEqual(
      [Number(views), Number(visitors)],
      [e?.views ?? 0, e?.visitors.size ?? 0],
      hour,
    );
    // The day before's 09:00 (one view) is drawn against today's 09:00.
    const previous = Number(row.match(/>(\d+)<\/td><\/tr>$/)?.[1]);
    assert.equal(previous, hour === "2026-11-20 09:00" ? 1 : 0, `${hour} previous`);
  }
  assert.deepEqual([...expect.keys()].sort(), ["2026-11-20 00:00", "2026-11-20 09:00"]);

  const three = await adminHtml(app, "/admin?site=shop&from=2026-11-18&to=2026-11-20");
  assert.match(three.html, /data-days="3" data-unit="day"/);
});
