// GET /metrics after real traffic over HTTP: the scrape is parsed by a Prometheus text-format
// parser from npm (parse-prometheus-text-format), and its figures must equal what was sent and
// what was stored — requests per route class, views per site human / bot, bot share, drops, the
// writers — plus who may scrape (token, API key, secret, public switch, public mode).
import assert from "node:assert/strict";
// @ts-types="./_prometheus_parser.d.ts"
import parsePrometheus from "parse-prometheus-text-format";
import { createApiKey, revokeApiKey } from "../lib/auth/api_keys.ts";
import { ConfigError, loadConfig } from "../lib/config.ts";
import { BOT_SCORE_THRESHOLD } from "../lib/db/columns.ts";
import { beaconUrl, BROWSER_HEADERS, flush, verifiedBeaconUrl, views } from "./_collect.ts";
import { createTestApp, serveTestApp, TEST_SECRET, type TestApp } from "./_helpers.ts";
import { spawnServer } from "./_process.ts";
import { AUTH_ENV, loginCookie } from "./_auth.ts";

const METRICS_TOKEN = "7f3c9a1e5b2d8046c1e9f7a3b5d2c8e04a6f1b9d3e7c5a2f";

type Family = ReturnType<typeof parsePrometheus>[number];

async function scrape(baseUrl: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${baseUrl}/metrics`, { headers });
  return { res, text: await res.text() };
}

function family(families: Family[], name: string): Family {
  const found = families.find((f) => f.name === name);
  assert.ok(found, `${name} is exposed`);
  return found;
}

/** The value of the sample of `name` whose labels include `labels`. */
function value(families: Family[], name: string, labels: Record<string, string> = {}): number {
  const sample = family(families, name).metrics.find((m) =>
    Object.entries(labels).every(([k, v]) => m.labels?.[k] === v)
  );
  assert.ok(sample, `${name}${JSON.stringify(labels)} is exposed`);
  return Number(sample.value);
}

/**
 * A histogram series as { count, sum, buckets by le }. The parser groups a histogram's buckets
 * only for a family without other labels (its flattenMetrics merges every label set into one), so
 * histogram families are read a second time as untyped samples, which keep their labels.
 */
function histogram(text: string, name: string, labels: Record<string, string>) {
  const untyped = parsePrometheus(text.replace(/^# TYPE (\S+) histogram$/gm, "# TYPE $1 untyped"));
  const matches = (m: { labels?: Record<string, string> }) =>
    Object.entries(labels).every(([k, v]) => m.labels?.[k] === v);
  const samples = (suffix: string) =>
    untyped.filter((f) => f.name === `${name}${suffix}`).flatMap((f) => f.metrics).filter(matches);
  /** [le, cumulative count] in the order of the text. */
  const buckets = samples("_bucket").map((m) => [m.labels?.le ?? "", Number(m.value)] as const);
  const [count] = samples("_count");
  const [sum] = samples("_sum");
  assert.ok(count && sum && buckets.at(-1)?.[0] === "+Inf", `${name}${JSON.stringify(labels)}`);
  return { count: Number(count.value), sum: Number(sum.value), buckets };
}

async function withServer(
  env: Record<string, string>,
  run: (t: TestApp, baseUrl: string) => Promise<void>,
) {
  const t = await createTestApp({ ECHELON_SECRET: TEST_SECRET, ...env });
  const server = serveTestApp(t);
  try {
    await run(t, server.baseUrl);
  } finally {
    await server.close();
  }
}

Deno.test("metrics: a scrape after real traffic reports what was sent and stored", async () => {
  await withServer({ ECHELON_METRICS_TOKEN: METRICS_TOKEN }, async (t, baseUrl) => {
    const get = async (path: string, headers: Record<string, string> = BROWSER_HEADERS) => {
      const res = await fetch(`${baseUrl}${path}`, { headers });
      await res.body?.cancel();
      return res.status;
    };
    // 5 counted views of "shop", 3 unverified ones (no token, no input), 2 counted ones of "blog",
    // 1 known bot, 2 events, then one request of every other class.
    for (let i = 0; i < 5; i++) assert.equal(await get(verifiedBeaconUrl(t)), 200);
    for (let i = 0; i < 3; i++) assert.equal(await get(beaconUrl({})), 200);
    for (let i = 0; i < 2; i++) assert.equal(await get(verifiedBeaconUrl(t, { s: "blog" })), 200);
    assert.equal(await get(beaconUrl({}), { "user-agent": "curl/8.5.0" }), 200);
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${baseUrl}/e`, {
        method: "POST",
        headers: { ...BROWSER_HEADERS, "content-type": "text/plain" },
        body: JSON.stringify([{ type: "custom", data: { name: "signup" }, siteId: "shop" }]),
      });
      await res.body?.cancel();
      assert.ok(res.status < 300, `POST /e answered ${res.status}`);
    }
    assert.equal(await get("/api/health"), 200);
    assert.equal(await get("/api/stats/overview?site_id=shop"), 401);
    assert.equal(await get("/admin/login"), 200);
    assert.equal(await get("/ea.js"), 200);
    assert.equal(await get("/robots.txt"), 200);
    await flush(t);

    const stored = await views(t);
    const storedBy = (site: string, bot: boolean) =>
      stored.filter((r) =>
        r.site_id === site && (Number(r.bot_score) >= BOT_SCORE_THRESHOLD) === bot
      ).length;
    assert.equal(stored.length, 10);
    assert.equal(storedBy("shop", false), 5, "verified views count as human");
    assert.equal(storedBy("shop", true), 3, "unverified views are scored as bots");

    const { res, text } = await scrape(baseUrl, { authorization: `Bearer ${METRICS_TOKEN}` });
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
    const families = parsePrometheus(text);

    const requests = (route: string, status: string) =>
      value(families, "echelon_http_requests_total", { route, status });
    assert.equal(requests("pixel", "2xx"), 11);
    assert.equal(requests("events", "2xx"), 2);
    assert.equal(requests("api", "2xx"), 1);
    assert.equal(requests("api", "4xx"), 1);
    assert.equal(requests("admin", "2xx"), 1);
    assert.equal(requests("static", "2xx"), 2);
    assert.equal(requests("ingest", "2xx"), 0);
    assert.equal(family(families, "echelon_http_request_duration_seconds").type, "HISTOGRAM");
    const pixel = histogram(text, "echelon_http_request_duration_seconds", { route: "pixel" });
    assert.equal(pixel.count, 11);
    assert.deepEqual(pixel.buckets.at(-1), ["+Inf", 11]);
    const bounds = pixel.buckets.map(([le]) => Number(le.replace("+Inf", "Infinity")));
    assert.ok(bounds.every((le, i) => i === 0 || le > bounds[i - 1]), "bounds ascend");
    assert.ok(
      pixel.buckets.every(([, n], i) => i === 0 || n >= pixel.buckets[i - 1][1]),
      "buckets are cumulative",
    );
    assert.ok(pixel.sum > 0 && pixel.sum < 11 * 10, `pixel time sum ${pixel.sum}`);
    const events = histogram(text, "echelon_http_request_duration_seconds", { route: "events" });
    assert.equal(events.count, 2);

    const viewsOf = (site: string, verdict: string) =>
      value(families, "echelon_page_views_total", { site, verdict });
    assert.equal(viewsOf("shop", "human"), storedBy("shop", false));
    assert.equal(viewsOf("shop", "bot"), storedBy("shop", true));
    assert.equal(viewsOf("blog", "human"), 2);
    assert.equal(viewsOf("blog", "bot"), 0);
    assert.equal(value(families, "echelon_bot_share", { site: "shop" }), 3 / 8);
    assert.equal(value(families, "echelon_bot_share", { site: "blog" }), 0);

    assert.equal(value(families, "echelon_dropped_hits_total", { reason: "known_bot" }), 1);
    assert.equal(value(families, "echelon_dropped_hits_total", { reason: "buffer_full" }), 0);

    assert.equal(value(families, "echelon_writer_rows_written_total", { writer: "views" }), 10);
    assert.equal(value(families, "echelon_writer_backlog", { writer: "views" }), 0);
    const flushes = histogram(text, "echelon_writer_flush_duration_seconds", { writer: "views" });
    assert.ok(flushes.count >= 1, "the flush was timed");
    assert.equal(value(families, "echelon_read_queue_depth"), 0);
    assert.ok(value(families, "process_resident_memory_bytes") > 10_000_000);
    assert.equal(value(families, "echelon_build_info", { version: "test" }), 1);
  });
});

Deno.test("metrics: site labels are capped; the rest count as (other)", async () => {
  const env = {
    ECHELON_METRICS_PUBLIC: "true",
    ECHELON_RATE_LIMIT_MAX: "0",
    ECHELON_NEW_SITES_PER_HOUR: "1000",
  };
  await withServer(env, async (t, baseUrl) => {
    for (let i = 0; i < 103; i++) {
      const res = await fetch(`${baseUrl}${beaconUrl({ s: `site-${i}` })}`, {
        headers: BROWSER_HEADERS,
      });
      await res.body?.cancel();
    }
    await flush(t);
    const families = parsePrometheus((await scrape(baseUrl)).text);
    const sites = new Set(
      family(families, "echelon_page_views_total").metrics.map((m) => m.labels?.site),
    );
    assert.equal(sites.size, 101, "100 sites and (other)");
    assert.equal(
      value(families, "echelon_page_views_total", { site: "(other)", verdict: "bot" }),
      3,
    );
  });
});

Deno.test("metrics: who may scrape", async (t) => {
  const cases: {
    name: string;
    env?: Record<string, string>;
    headers?: (app: TestApp) => Record<string, string> | Promise<Record<string, string>>;
    status: number;
    error?: string;
  }[] = [
    { name: "no credentials", status: 401, error: "unauthorized" },
    {
      name: "a wrong bearer token",
      headers: () => ({ authorization: "Bearer not-the-token" }),
      status: 401,
      error: "unauthorized",
    },
    {
      name: "the metrics token",
      headers: () => ({ authorization: `Bearer ${METRICS_TOKEN}` }),
      status: 200,
    },
    {
      name: "ECHELON_SECRET",
      headers: () => ({ authorization: `Bearer ${TEST_SECRET}` }),
      status: 200,
    },
    {
      name: "a read API key",
      headers: async (app) => {
        const made = await createApiKey(app.services, { name: "prometheus", scope: "read" });
        assert.equal(made.kind, "created");
        return { authorization: `Bearer ${made.kind === "created" ? made.key : ""}` };
      },
      status: 200,
    },
    {
      name: "a revoked API key",
      headers: async (app) => {
        const made = await createApiKey(app.services, { name: "old", scope: "read" });
        assert.equal(made.kind, "created");
        if (made.kind === "created") await revokeApiKey(app.services, made.info.id);
        return { authorization: `Bearer ${made.kind === "created" ? made.key : ""}` };
      },
      status: 401,
      error: "invalid_api_key",
    },
    {
      name: "a signed-in admin",
      env: AUTH_ENV,
      headers: async (app) => ({ cookie: await loginCookie(app) }),
      status: 200,
    },
    {
      name: "public mode does not open it",
      env: { ECHELON_PUBLIC_MODE: "true" },
      status: 403,
      error: "not_public",
    },
    {
      name: "public mode with the token",
      env: { ECHELON_PUBLIC_MODE: "true" },
      headers: () => ({ authorization: `Bearer ${METRICS_TOKEN}` }),
      status: 200,
    },
    { name: "ECHELON_METRICS_PUBLIC=true", env: { ECHELON_METRICS_PUBLIC: "true" }, status: 200 },
  ];
  for (const c of cases) {
    await t.step(c.name, async () => {
      const env = { ECHELON_METRICS_TOKEN: METRICS_TOKEN, ...c.env };
      await withServer(env, async (app, baseUrl) => {
        const { res, text } = await scrape(baseUrl, (await c.headers?.(app)) ?? {});
        assert.equal(res.status, c.status, text);
        if (c.status === 200) {
          assert.ok(family(parsePrometheus(text), "echelon_http_requests_total"));
        } else {
          assert.equal(JSON.parse(text).error, c.error);
          assert.doesNotMatch(text, /echelon_/, "no figure leaks into a refusal");
        }
      });
    });
  }
});

Deno.test("metrics: configuration is checked at start", () => {
  const env = { ECHELON_DB_PATH: ":memory:" };
  assert.throws(
    () => loadConfig({ ...env, ECHELON_METRICS_TOKEN: "short" }),
    (e) => e instanceof ConfigError && e.variable === "ECHELON_METRICS_TOKEN",
  );
  assert.throws(
    () => loadConfig({ ...env, ECHELON_METRICS_PUBLIC: "maybe" }),
    (e) => e instanceof ConfigError && e.variable === "ECHELON_METRICS_PUBLIC",
  );
  const config = loadConfig(env);
  assert.equal(config.metricsPublic, false);
  assert.equal(config.metricsToken, "");
});

Deno.test("metrics: the real server reports its connections and a file database's writers", async () => {
  const dir = await Deno.makeTempDir({ prefix: "echelon-metrics-" });
  const server = await spawnServer({
    ECHELON_DB_PATH: `${dir}/echelon.db`,
    ECHELON_METRICS_PUBLIC: "true",
    ECHELON_MAX_CONNECTIONS: "300",
    ECHELON_VIEW_FLUSH_MS: "50",
  });
  try {
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${server.baseUrl}${beaconUrl({ s: "served" })}`, {
        headers: BROWSER_HEADERS,
      });
      await res.body?.cancel();
    }
    // Written by the write thread within a flush or two.
    let families: Family[] = [];
    const deadline = Date.now() + 10_000;
    do {
      await new Promise((resolve) => setTimeout(resolve, 100));
      families = parsePrometheus((await scrape(server.baseUrl)).text);
    } while (
      value(families, "echelon_writer_rows_written_total", { writer: "views" }) < 3 &&
      Date.now() < deadline
    );
    assert.equal(value(families, "echelon_writer_rows_written_total", { writer: "views" }), 3);
    assert.equal(
      value(families, "echelon_page_views_total", { site: "served", verdict: "bot" }),
      3,
    );
    assert.equal(
      value(families, "echelon_http_requests_total", { route: "pixel", status: "2xx" }),
      3,
    );
    assert.equal(value(families, "echelon_connections_max"), 300);
    assert.ok(value(families, "echelon_connections_open") >= 1, "the scrape's own connection");
    assert.ok(value(families, "echelon_uptime_seconds") >= 0);
  } finally {
    await server.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
