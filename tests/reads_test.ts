// Read processes (lib/reads/): on a file database the heavy stats reads run in child processes and
// answer exactly what the same reads answer inline; errors keep their status; the event loop
// keeps turning while a long read runs; closing waits for reads in flight.
import assert from "node:assert/strict";
import { generate } from "../bench/stats_bench.ts";
import { changeStatus, createExperiment } from "../lib/experiments/mod.ts";
import { HttpError } from "../lib/http_error.ts";
import { ReadPool } from "../lib/reads/pool.ts";
import { errorOf, failureOf } from "../lib/reads/protocol.ts";
import { refreshRollups } from "../lib/stats/mod.ts";
import { adminApp, adminHtml, type AdminTestApp } from "./_admin.ts";
import { seedReportFixture } from "./_campaigns.ts";
import { AUTH, insertFixture, SECRET } from "./_stats_fixture.ts";

async function closeApp(t: AdminTestApp): Promise<void> {
  for (const hook of t.services.shutdownHooks) await hook.run();
  t.services.db.close();
}

/** Two apps on one database file: one reads in read processes, the other inline. */
async function twins(dir: string): Promise<{ threaded: AdminTestApp; inline: AdminTestApp }> {
  const env = { ECHELON_DB_PATH: `${dir}/reads.db`, ECHELON_SECRET: SECRET };
  const threaded = await adminApp({ ...env, ECHELON_READ_THREADS: "2" });
  const inline = await adminApp({ ...env, ECHELON_READ_THREADS: "0" });
  return { threaded, inline };
}

const API_PATHS = [
  "/api/stats/overview?site_id=shop&days=7",
  "/api/stats/overview?site_id=shop&days=30&compare=previous",
  "/api/stats/overview?site_id=shop&days=7&path=/pricing&country=FI",
  "/api/stats/dashboard?site_id=shop",
  "/api/stats/realtime?site_id=shop",
  "/api/stats/campaigns?days=7",
  "/api/stats/campaigns?days=7&id=spring",
  "/api/stats/campaign-events?site_id=shop&days=7",
  "/api/campaigns?days=7",
  "/api/campaigns/spring?days=7",
  "/api/bots/report?days=7",
  "/api/bots/suspicious?min_score=0",
  "/api/stats/experiments",
  "/api/stats/experiments?experiment_id=checkout",
];

Deno.test("reads: every stats read in a read process answers what the same read answers inline", async () => {
  const dir = await Deno.makeTempDir();
  const { threaded, inline } = await twins(dir);
  try {
    insertFixture(threaded);
    seedReportFixture(threaded);
    const day = 3_600_000 * 24;
    await createExperiment(threaded.services.store, {
      experiment_id: "checkout",
      name: "Checkout",
      site_id: "shop",
      metric: "signup",
      variants: [
        { variant_id: "a", weight: 50, is_control: true },
        { variant_id: "b", weight: 50 },
      ],
    }, threaded.clock.now - 3 * day);
    await changeStatus(threaded.services.store, {
      id: "checkout",
      to: "active",
      now: threaded.clock.now - 2 * day,
    });
    await refreshRollups(threaded.services);

    for (const path of API_PATHS) {
      const [a, b] = await Promise.all(
        [threaded, inline].map((t) => t.request(path, { headers: AUTH })),
      );
      assert.equal(a.status, 200, `${path}: ${await a.clone().text()}`);
      assert.equal(b.status, 200, path);
      assert.deepEqual(await a.json(), await b.json(), path);
    }
    const overview = await (await threaded.request(API_PATHS[0], { headers: AUTH })).json();
    assert.ok(overview.pageviews > 0, "the fixture is counted");
    assert.ok(threaded.services.reads.stats().processes >= 1, "reads ran in read processes");
    assert.equal(inline.services.reads.stats().processes, 0);

    // The pages that read through processes render the same figures.
    for (
      const path of [
        "/admin?site=shop&period=7d",
        "/admin",
        "/admin/realtime?site=shop",
        "/admin/realtime",
        "/admin/visitors?period=7d",
        "/admin/experiments",
        "/admin/experiments/checkout",
        "/admin/campaigns?period=7d",
        "/admin/campaigns/spring?period=7d",
        "/admin/bots?period=7d",
        "/admin/views?period=7d",
        "/admin/events?period=7d",
      ]
    ) {
      const [a, b] = await Promise.all([adminHtml(threaded, path), adminHtml(inline, path)]);
      assert.equal(a.status, 200, path);
      assert.equal(b.status, 200, path);
      const figures = (html: string) => html.match(/>\s*[\d,.]+%?\s*</g)?.join("|");
      assert.ok(figures(a.html), `${path} shows figures`);
      assert.equal(figures(a.html), figures(b.html), path);
    }
    const csv = (t: AdminTestApp) => t.request("/api/export/bots.csv?days=7", { headers: AUTH });
    const [a, b] = await Promise.all([csv(threaded), csv(inline)]);
    const strip = (text: string) => text.replace(/generated_at,.*/, "");
    assert.equal(a.status, 200);
    assert.equal(strip(await a.text()), strip(await b.text()), "bots.csv");
    const last24h = async (t: AdminTestApp) =>
      (await (await t.request("/api/stats/summary", { headers: AUTH })).json()).last_24h;
    const [x, y] = await Promise.all([last24h(threaded), last24h(inline)]);
    assert.ok(x.total_views > 0, "the last 24 hours hold fixture views");
    assert.deepEqual(x, y, "summary");
  } finally {
    await closeApp(threaded);
    await closeApp(inline);
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("reads: the event loop keeps turning while a long read runs in a read process", async () => {
  const dir = await Deno.makeTempDir();
  const { threaded, inline } = await twins(dir);
  try {
    generate(threaded.services.db, 60_000, threaded.clock.now, () => {});
    const path = "/api/stats/overview?site_id=bench&days=30&path_contains=/";
    const read = async (t: AdminTestApp) => {
      let ticks = 0;
      const timer = setInterval(() => ticks++, 2);
      const started = performance.now();
      const res = await t.request(path, { headers: AUTH });
      const ms = performance.now() - started;
      clearInterval(timer);
      assert.equal(res.status, 200);
      return { body: await res.json(), ms, ticks };
    };
    await read(threaded); // starts the read process
    const onThread = await read(threaded);
    const onLoop = await read(inline);
    assert.ok(onThread.body.pageviews > 10_000, `${onThread.body.pageviews} views read`);
    assert.deepEqual(onThread.body, onLoop.body);
    // Inline, the query holds the loop: no timer fires until it is done. In a process, timers
    // fire meanwhile (2 ms apart; a loaded machine may delay some, never all).
    assert.equal(onLoop.ticks, 0, "an inline read blocks the loop (the control)");
    assert.ok(onThread.ms > 20, `the read took ${onThread.ms.toFixed(1)} ms`);
    assert.ok(onThread.ticks >= 3, `${onThread.ticks} ticks in ${onThread.ms.toFixed(1)} ms`);
  } finally {
    await closeApp(threaded);
    await closeApp(inline);
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("reads: errors cross the process boundary with their status; unknown reads fail", async () => {
  const http = errorOf(failureOf(new HttpError(404, "not_found", "No such thing")));
  assert.ok(http instanceof HttpError);
  assert.deepEqual([http.status, http.code, http.message], [404, "not_found", "No such thing"]);
  const plain = errorOf(failureOf(new TypeError("boom")));
  assert.ok(!(plain instanceof HttpError));
  assert.equal(plain.message, "boom");

  const dir = await Deno.makeTempDir();
  const pool = new ReadPool({ path: `${dir}/x.db`, size: 1, retentionDays: 30, memoryMb: 64 });
  try {
    const task = { name: "nonsense" as never, args: [], now: Date.now() };
    await assert.rejects(pool.run(0, task, new AbortController().signal), /unknown read nonsense/);
  } finally {
    await pool.close(2000);
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("reads: closing waits for the reads in flight and refuses new ones", async () => {
  const dir = await Deno.makeTempDir();
  const { threaded, inline } = await twins(dir);
  try {
    insertFixture(threaded);
    const reads = threaded.services.reads;
    await reads.run("realtime", "shop"); // the read process is up
    const pending = reads.run("realtime", "shop");
    await reads.close();
    assert.equal((await pending).site_id, "shop");
    await assert.rejects(reads.run("realtime", "shop"), /read pool closed/);
  } finally {
    await closeApp(threaded);
    await closeApp(inline);
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("reads: closing kills a process still reading after the grace; the database is intact", async () => {
  const dir = await Deno.makeTempDir();
  const { threaded, inline } = await twins(dir);
  try {
    generate(threaded.services.db, 30_000, threaded.clock.now, () => {});
    const pool = new ReadPool({
      path: `${dir}/reads.db`,
      size: 1,
      retentionDays: 30,
      memoryMb: 64,
    });
    const query = {
      siteId: "bench",
      from: "2026-10-22",
      to: "2026-11-20",
      filters: { path_contains: "/" },
      compare: true,
      limit: 10,
    };
    const task = { name: "overview" as const, args: [query], now: threaded.clock.now };
    const never = new AbortController().signal;
    await pool.run(0, task, never); // the process is up
    const reading = pool.run(0, task, never);
    const started = performance.now();
    await pool.close(1);
    assert.ok(performance.now() - started < 1000, "close did not wait for the query");
    await assert.rejects(reading, /read process ended before answering \(killed by SIGKILL\)/);
    const check = threaded.services.db.all<{ integrity_check: string }>("PRAGMA integrity_check");
    assert.deepEqual(check.map((r) => r.integrity_check), ["ok"]);
  } finally {
    await closeApp(threaded);
    await closeApp(inline);
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("reads: a read past its process's memory limit is refused; the process reads on", async () => {
  const dir = await Deno.makeTempDir();
  const { threaded, inline } = await twins(dir);
  const pool = new ReadPool({ path: `${dir}/reads.db`, size: 1, retentionDays: 90, memoryMb: 16 });
  try {
    generate(threaded.services.db, 60_000, threaded.clock.now, () => {});
    const never = new AbortController().signal;
    const overview = (filters: Record<string, string>) => ({
      name: "overview" as const,
      args: [{
        siteId: "bench",
        from: "2026-08-23",
        to: "2026-11-20",
        filters,
        compare: true,
        limit: 10,
      }],
      now: threaded.clock.now,
    });
    // 90 days of raw rows in temporary tables need more than SQLite's 16 MB here.
    const error = await pool.run(0, overview({ path_contains: "/" }), never).then(
      () => null,
      (e) => e,
    );
    assert.ok(error instanceof HttpError, `expected a refusal, got ${error}`);
    assert.deepEqual([error.status, error.code], [503, "read_too_large"]);
    assert.match(error.message, /more than the 16 MB a read may use/);
    // A small read in the same process still answers.
    const realtime = { name: "realtime" as const, args: ["bench"], now: threaded.clock.now };
    const light = await pool.run(0, realtime, never) as { site_id: string };
    assert.equal(light.site_id, "bench");
  } finally {
    await pool.close(2000);
    await closeApp(threaded);
    await closeApp(inline);
    await Deno.remove(dir, { recursive: true });
  }
});
