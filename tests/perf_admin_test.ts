// /admin/perf: a tile per series grouped by category, with the latest value, the change, the
// verdict badge and a chart with one dot per value; filters by category, branch and window; the
// navigation entry; public mode renders the same page without any form that writes.
import assert from "node:assert/strict";
import { adminApp, adminHtml, type AdminTestApp } from "./_admin.ts";
import { insertPerfMetrics } from "../lib/db/perf.ts";
import type { PerfMetricInsert } from "../lib/store/perf.ts";

function seed(app: AdminTestApp): void {
  const rows: PerfMetricInsert[] = [];
  const add = (
    category: string,
    metric: string,
    unit: string,
    values: number[],
    branch: string | null = "main",
  ) =>
    values.forEach((value, i) =>
      rows.push({
        category,
        metric,
        unit,
        value,
        branch,
        commit_hash: `abc${i}`,
        metadata: null,
        recorded_at: `2026-11-${String(10 + i).padStart(2, "0")}T09:00:00.000Z`,
      })
    );
  add("echelon-bench", "GET /b.gif p50", "ms", [4, 4, 4, 6]); // +50 % → regression
  add("echelon-bench", "GET /b.gif", "req/s", [10_000, 10_000, 12_500]); // +25 % → improvement
  add("echelon-bench", "GET /b.gif p50", "ms", [4, 4], "feature/x");
  add("size", "/ea.js gzip", "B", [4700, 4710]); // stable
  insertPerfMetrics(app.services.db, rows);
}

/** The tiles of a page: [metric, branch, status] in page order. */
function tiles(html: string): string[][] {
  return [
    ...html.matchAll(
      /<article[^>]*data-metric="([^"]*)" data-branch="([^"]*)" data-status="([^"]*)"/g,
    ),
  ]
    .map((m) => [m[1], m[2], m[3]]);
}

Deno.test("admin perf: a tile per series with latest value, change, verdict and a chart", async () => {
  const app = await adminApp();
  seed(app);
  const { status, html } = await adminHtml(app, "/admin/perf");
  assert.equal(status, 200);
  assert.match(html, /<h1[^>]*>Performance<\/h1>/);
  assert.match(html, /href="\/admin\/perf" aria-current="page"[^>]*>Performance<\/a>/, "nav entry");
  assert.deepEqual(tiles(html), [
    ["GET /b.gif", "main", "improvement"],
    ["GET /b.gif p50", "feature/x", "stable"],
    ["GET /b.gif p50", "main", "regression"],
    ["/ea.js gzip", "main", "stable"],
  ]);
  // Categories are cards, in order.
  assert.ok(html.indexOf(">echelon-bench</h2>") < html.indexOf(">size</h2>"));
  // The regression tile: latest 6 ms, +50 %, the badge, a chart with four dots, the last one red.
  const start = html.indexOf('data-metric="GET /b.gif p50" data-branch="main"');
  const tile = html.slice(start, html.indexOf("</article>", start));
  assert.match(tile, /data-latest="6">6 ms</);
  assert.match(tile, /\+50 %/);
  assert.match(tile, />Regression</);
  assert.match(tile, /vs 4 ms, the mean of the previous 3; lower is better, flagged beyond 10 %/);
  assert.match(tile, /<svg[^>]*role="img"[^>]*data-points="4" data-status="regression"/);
  assert.equal([...tile.matchAll(/<circle /g)].length, 4);
  assert.match(tile, /class="fill-rose-500"/);
  assert.match(tile, /<title>6 ms at 2026-11-13T09:00:00.000Z \(abc3\)<\/title>/);
  assert.match(tile, /min 4 ms/);
  assert.match(tile, /max 6 ms/);
  // The summary names the regression; the improvement tile says so.
  assert.match(html, /id="perf-regressions">1 regression: echelon-bench \/ GET \/b.gif p50\./);
  assert.match(html, /data-latest="12500">12,500 req\/s</);
  assert.match(html, /\+25 %/);
  // The recent values table, newest first.
  assert.match(html, /id="perf-recent"/);
  const recent = html.slice(html.indexOf('id="perf-recent"'));
  assert.ok(recent.indexOf("12,500 req/s") < recent.indexOf("10,000 req/s"));
});

Deno.test("admin perf: filters by category, branch and window", async () => {
  const app = await adminApp();
  seed(app);
  let page = await adminHtml(app, "/admin/perf?category=size");
  assert.deepEqual(tiles(page.html), [["/ea.js gzip", "main", "stable"]]);
  assert.match(
    page.html,
    /href="\/admin\/perf\?category=size" class="font-semibold" aria-current="page">size</,
  );

  page = await adminHtml(app, "/admin/perf?branch=feature%2Fx");
  assert.deepEqual(tiles(page.html), [["GET /b.gif p50", "feature/x", "stable"]]);
  assert.match(page.html, /<option value="feature\/x" selected>/);

  // A window of 10 still fits every value; the select offers 10/20/30/50.
  page = await adminHtml(app, "/admin/perf?n=10");
  assert.match(page.html, /the last 10 values of a metric/);
  assert.match(page.html, /<option value="10" selected>/);
  // A bad window falls back to the default; an unknown category shows the empty state.
  assert.match((await adminHtml(app, "/admin/perf?n=7")).html, /the last 20 values/);
  page = await adminHtml(app, "/admin/perf?category=nothing");
  assert.deepEqual(tiles(page.html), []);
  assert.match(page.html, /id="perf-empty">No metrics in nothing yet/);
});

Deno.test("admin perf: an empty instance explains how metrics arrive", async () => {
  const app = await adminApp();
  const { status, html } = await adminHtml(app, "/admin/perf");
  assert.equal(status, 200);
  assert.match(html, /id="perf-empty">No metrics yet\. CI posts them to/);
  assert.match(html, /Nothing posted yet\./);
});

Deno.test("admin perf: public mode shows the same figures and no form that writes", async () => {
  const app = await adminApp({ ECHELON_PUBLIC_MODE: "true" });
  seed(app);
  const { status, html } = await adminHtml(app, "/admin/perf");
  assert.equal(status, 200);
  assert.equal(tiles(html).length, 4);
  assert.doesNotMatch(html, /method="post"/i);
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>[^<]/, "no inline script");
  const refused = await app.request("/admin/perf", { method: "POST" });
  assert.equal(refused.status, 403);
  await refused.body?.cancel();
});
