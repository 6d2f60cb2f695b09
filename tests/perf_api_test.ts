// Performance metrics through the API: single and batch ingestion asserted on stored rows, every
// limit (batch size, body size, metadata size, non-finite values, missing or malformed fields)
// refused with a 4xx and nothing stored, metadata stored once as JSON and returned as posted,
// the query filters, the trends maths against a fixture worked out by hand (regressions in both
// directions), public mode and auth.
import assert from "node:assert/strict";
import { AUTH_ENV, loginCookie } from "./_auth.ts";
import { createTestApp, serveTestApp, TEST_ORIGIN, TEST_SECRET, type TestApp } from "./_helpers.ts";
import { benchPostTarget, postBenchResult } from "../bench/post.ts";
import { createApiKey } from "../lib/auth/api_keys.ts";
import { unitRule } from "../lib/perf/units.ts";
import { MAX_METADATA_BYTES, MAX_PERF_BATCH, MAX_PERF_BODY_BYTES } from "../lib/perf/mod.ts";

const SECRET = TEST_SECRET;
const ENV = { ECHELON_SECRET: SECRET };
// The test clock is 2026-11-20T12:00:00Z.
const NOW = "2026-11-20T12:00:00.000Z";

type Json = Record<string, unknown>;

async function api(
  t: TestApp,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Json & Json[] }> {
  const res = await t.request(path, {
    method,
    headers: { authorization: `Bearer ${SECRET}`, "content-type": "application/json" },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

function stored(t: TestApp) {
  return t.services.db.all(
    `SELECT category, metric, value, unit, commit_hash, branch, metadata, recorded_at
     FROM perf_metrics ORDER BY id`,
  ).map((row) => ({ ...row }));
}

const metric = (extra: Json = {}): Json => ({
  category: "api",
  metric: "GET /api/health p50",
  value: 1.25,
  unit: "ms",
  ...extra,
});

Deno.test("perf API: one metric is stored with its metadata serialised once, and read back as posted", async () => {
  const t = await createTestApp(ENV);
  const metadata = { runner: "ubuntu-24.04", cpus: 2, nested: { quote: 'say "hi"', list: [1, 2] } };
  const res = await api(
    t,
    "POST",
    "/api/perf",
    metric({
      commit: "0123abcd",
      branch: "main",
      metadata,
    }),
  );
  assert.equal(res.status, 201);
  assert.deepEqual(res.json, { inserted: 1 });
  const rows = stored(t);
  assert.deepEqual(rows, [{
    category: "api",
    metric: "GET /api/health p50",
    value: 1.25,
    unit: "ms",
    commit_hash: "0123abcd",
    branch: "main",
    metadata: JSON.stringify(metadata),
    recorded_at: NOW,
  }]);
  // Once, not twice: the stored text parses straight to the object (W28 stored a JSON string).
  assert.deepEqual(JSON.parse(rows[0].metadata as string), metadata);

  const listed = await api(t, "GET", "/api/perf");
  assert.equal(listed.status, 200);
  assert.equal(listed.json.length, 1);
  assert.deepEqual(listed.json[0].metadata, metadata);
  assert.equal(listed.json[0].commit_hash, "0123abcd");

  // commit_hash (the reference's name) works as well; no metadata is stored as NULL.
  assert.equal((await api(t, "POST", "/api/perf", metric({ commit_hash: "beef" }))).status, 201);
  assert.equal(stored(t)[1].commit_hash, "beef");
  assert.equal(stored(t)[1].metadata, null);
});

Deno.test("perf API: a batch of up to 500 is stored in one go, a larger one not at all", async () => {
  const t = await createTestApp(ENV);
  const batch = Array.from(
    { length: MAX_PERF_BATCH },
    (_, i) => metric({ metric: `m${i}`, value: i, recorded_at: "2026-11-19T08:00:00Z" }),
  );
  const res = await api(t, "POST", "/api/perf", batch);
  assert.equal(res.status, 201);
  assert.deepEqual(res.json, { inserted: MAX_PERF_BATCH });
  assert.equal(stored(t).length, MAX_PERF_BATCH);
  assert.equal(stored(t)[499].recorded_at, "2026-11-19T08:00:00.000Z");

  const tooMany = await api(t, "POST", "/api/perf", [...batch, metric()]);
  assert.equal(tooMany.status, 400);
  assert.match(tooMany.json.message as string, /At most 500 metrics per request, got 501/);
  assert.equal(stored(t).length, MAX_PERF_BATCH, "nothing more stored");
});

Deno.test("perf API: every malformed metric is refused with a message naming it, and nothing is stored", async () => {
  const t = await createTestApp(ENV);
  const big = { blob: "x".repeat(MAX_METADATA_BYTES) };
  const cases: [string, unknown, number, RegExp][] = [
    ["not JSON", "{nope", 400, /not valid JSON/],
    ["empty body", "", 400, /empty/],
    ["empty batch", [], 400, /at least one metric/],
    ["a number", 42, 400, /must be an object/],
    ["missing category", metric({ category: undefined }), 400, /metric\.category: required/],
    ["empty metric", metric({ metric: "  " }), 400, /metric\.metric: must not be empty/],
    ["missing unit", metric({ unit: undefined }), 400, /metric\.unit: required/],
    ["missing value", metric({ value: undefined }), 400, /metric\.value: required/],
    ["value as text", metric({ value: "12" }), 400, /value: must be a finite number, got "12"/],
    ["value true", metric({ value: true }), 400, /value: must be a finite number/],
    [
      "value 1e999 (Infinity once parsed)",
      '{"category":"a","metric":"b","unit":"ms","value":1e999}',
      400,
      /value: must be a finite number/,
    ],
    ["category too long", metric({ category: "c".repeat(65) }), 400, /at most 64 characters/],
    ["control character", metric({ metric: "a\u0000b" }), 400, /control characters/],
    ["commit with a space", metric({ commit: "abc def" }), 400, /commit: "abc def" has characters/],
    ["branch with a colon", metric({ branch: "a:b" }), 400, /branch: "a:b" has characters/],
    ["commit and commit_hash differ", metric({ commit: "a", commit_hash: "b" }), 400, /differ/],
    ["metadata as an array", metric({ metadata: [1] }), 400, /metadata: must be a JSON object/],
    ["metadata as text", metric({ metadata: "{}" }), 400, /metadata: must be a JSON object/],
    [
      "metadata over 4 KB",
      metric({ metadata: big }),
      400,
      new RegExp(`metadata: ${JSON.stringify(big).length} bytes as JSON, at most 4096`),
    ],
    ["recorded_at not a date", metric({ recorded_at: "yesterday" }), 400, /not an ISO 8601/],
    [
      "recorded_at in the future",
      metric({ recorded_at: "2026-11-21T12:00:00Z" }),
      400,
      /in the future or before 2000/,
    ],
    [
      "one bad item in a batch",
      [metric(), metric(), metric(), metric({ value: null })],
      400,
      /metrics\[3\]\.value: required/,
    ],
  ];
  for (const [name, body, status, message] of cases) {
    const res = await api(t, "POST", "/api/perf", body);
    assert.equal(res.status, status, name);
    assert.match(String(res.json.message), message, name);
    assert.equal(stored(t).length, 0, `${name}: nothing stored`);
  }
  // Metadata is bounded by its serialised size, not cut: one byte under the limit is stored whole.
  const fits = { blob: "y".repeat(MAX_METADATA_BYTES - '{"blob":""}'.length) };
  assert.equal(JSON.stringify(fits).length, MAX_METADATA_BYTES);
  assert.equal((await api(t, "POST", "/api/perf", metric({ metadata: fits }))).status, 201);
  assert.deepEqual(JSON.parse(stored(t)[0].metadata as string), fits);
});

Deno.test("perf API: bodies over 1 MiB are 413, declared or streamed", async () => {
  const t = await createTestApp(ENV);
  const huge = JSON.stringify([metric({ metadata: { pad: "z".repeat(MAX_PERF_BODY_BYTES) } })]);
  const declared = await api(t, "POST", "/api/perf", huge);
  assert.equal(declared.status, 413);
  assert.equal(declared.json.error, "payload_too_large");

  const bytes = new TextEncoder().encode(huge);
  const streamed = await t.request("/api/perf", {
    method: "POST",
    headers: { authorization: `Bearer ${SECRET}`, "content-type": "application/json" },
    body: new ReadableStream({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 65_536) {
          controller.enqueue(bytes.slice(i, i + 65_536));
        }
        controller.close();
      },
    }),
  });
  assert.equal(streamed.status, 413);
  await streamed.body?.cancel();
  assert.equal(stored(t).length, 0);
});

Deno.test("perf API: GET filters by category, metric, branch and time, newest first, with a limit", async () => {
  const t = await createTestApp(ENV);
  const at = (day: string) => `2026-11-${day}T10:00:00Z`;
  await api(t, "POST", "/api/perf", [
    metric({ category: "api", metric: "p50", branch: "main", value: 1, recorded_at: at("10") }),
    metric({ category: "api", metric: "p50", branch: "main", value: 2, recorded_at: at("12") }),
    metric({ category: "api", metric: "p50", branch: "dev", value: 3, recorded_at: at("14") }),
    metric({ category: "api", metric: "p99", branch: "main", value: 4, recorded_at: at("16") }),
    metric({ category: "size", metric: "js", unit: "B", value: 5, recorded_at: at("18") }),
  ]);
  const values = async (query: string) => {
    const res = await api(t, "GET", `/api/perf${query}`);
    assert.equal(res.status, 200, query);
    return res.json.map((row) => row.value);
  };
  assert.deepEqual(await values(""), [5, 4, 3, 2, 1], "newest first");
  assert.deepEqual(await values("?category=api"), [4, 3, 2, 1]);
  assert.deepEqual(await values("?category=api&metric=p50"), [3, 2, 1]);
  assert.deepEqual(await values("?metric=p50&branch=main"), [2, 1]);
  assert.deepEqual(await values("?from=2026-11-12"), [5, 4, 3, 2]);
  assert.deepEqual(
    await values("?since=2026-11-12T10:00:00Z"),
    [5, 4, 3, 2],
    "the reference's name",
  );
  assert.deepEqual(await values("?to=2026-11-12"), [2, 1], "a day as `to` includes that day");
  assert.deepEqual(await values("?from=2026-11-11&to=2026-11-16T10:00:00Z"), [3, 2]);
  assert.deepEqual(await values("?limit=2"), [5, 4]);
  assert.deepEqual(await values("?category=nothing"), []);

  for (
    const query of [
      "?limit=0",
      "?limit=1001",
      "?limit=ten",
      "?from=yesterday",
      "?from=2026-11-12&to=2026-11-11",
      `?category=${"c".repeat(65)}`,
    ]
  ) {
    const res = await api(t, "GET", `/api/perf${query}`);
    assert.equal(res.status, 400, query);
    assert.equal(res.json.error, "invalid_param", query);
  }
});

Deno.test("perf trends: min, max, mean and the change against the previous values, judged by the unit", async () => {
  const t = await createTestApp(ENV);
  const series = (name: string, unit: string, values: number[], branch = "main") =>
    values.map((value, i) =>
      metric({
        category: "bench",
        metric: name,
        unit,
        value,
        branch,
        commit: `c${i}`,
        recorded_at: `2026-11-${String(10 + i).padStart(2, "0")}T00:00:00Z`,
      })
    );
  await api(t, "POST", "/api/perf", [
    // ms, lower is better: baseline mean(100, 110, 90, 100) = 100, latest 130 → +30 % → regression.
    ...series("latency", "ms", [100, 110, 90, 100, 130]),
    // The same metric on another branch is its own series: 100 → 80 is −20 % → improvement.
    ...series("latency", "ms", [100, 80], "feature"),
    // req/s, higher is better: 1000 ×3 → 800 is −20 % → regression.
    ...series("throughput", "req/s", [1000, 1000, 1000, 800]),
    // req/s up 50 % → improvement.
    ...series("hash rate", "hashes/s", [100, 100, 150]),
    // Bytes, lower is better with a 5 % threshold: +2 % is stable, +6 % a regression.
    ...series("bundle", "B", [5000, 5000, 5100]),
    ...series("wasm", "B", [1000, 1060]),
    // A unit without a direction is never flagged.
    ...series("rows", "rows", [10, 50]),
    // One value: nothing to compare with.
    ...series("first", "ms", [7]),
    // From a baseline of 0 any rise of a duration is a regression.
    ...series("zero", "ms", [0, 0, 5]),
  ]);
  const trends = await api(t, "GET", "/api/perf/trends?category=bench");
  assert.equal(trends.status, 200);
  assert.equal(trends.json.window, 20);
  assert.equal(trends.json.threshold_pct, null);
  const all = trends.json.series as Json[];
  const find = (name: string, branch = "main") =>
    all.find((s) => s.metric === name && s.branch === branch)!;
  assert.deepEqual(
    all.map((s) => `${s.metric}@${s.branch}`),
    [
      "bundle@main",
      "first@main",
      "hash rate@main",
      "latency@feature",
      "latency@main",
      "rows@main",
      "throughput@main",
      "wasm@main",
      "zero@main",
    ],
  );
  const latency = find("latency");
  assert.deepEqual(
    { ...latency, points: undefined },
    {
      category: "bench",
      metric: "latency",
      branch: "main",
      unit: "ms",
      better: "lower",
      threshold_pct: 10,
      count: 5,
      latest: 130,
      latest_at: "2026-11-14T00:00:00.000Z",
      latest_commit: "c4",
      min: 90,
      max: 130,
      mean: 106,
      baseline: 100,
      change: 30,
      change_pct: 30,
      status: "regression",
      points: undefined,
    },
  );
  assert.deepEqual((latency.points as Json[]).map((p) => p.value), [100, 110, 90, 100, 130]);
  assert.deepEqual((latency.points as Json[])[0], {
    value: 100,
    recorded_at: "2026-11-10T00:00:00.000Z",
    commit_hash: "c0",
  });
  const verdict = (name: string, branch?: string) => {
    const s = find(name, branch);
    return [s.status, s.change_pct, s.better];
  };
  assert.deepEqual(verdict("latency", "feature"), ["improvement", -20, "lower"]);
  assert.deepEqual(verdict("throughput"), ["regression", -20, "higher"]);
  assert.deepEqual(verdict("hash rate"), ["improvement", 50, "higher"]);
  assert.deepEqual(verdict("bundle"), ["stable", 2, "lower"]);
  assert.deepEqual(verdict("wasm"), ["regression", 6, "lower"]);
  assert.deepEqual(verdict("rows"), ["no_direction", 400, null]);
  assert.deepEqual(verdict("first"), ["no_baseline", null, "lower"]);
  assert.deepEqual(verdict("zero"), ["regression", null, "lower"]);
  assert.equal(find("zero").baseline, 0);

  // A window of 3 keeps the last three values: baseline mean(90, 100) = 95, 130 is +36.84 %.
  const windowed = await api(t, "GET", "/api/perf/trends?metric=latency&branch=main&limit=3");
  const only = windowed.json.series as Json[];
  assert.equal(only.length, 1);
  assert.deepEqual((only[0].points as Json[]).map((p) => p.value), [90, 100, 130]);
  assert.equal(only[0].baseline, 95);
  assert.equal(Math.round((only[0].change_pct as number) * 100) / 100, 36.84);
  assert.equal(only[0].min, 90);

  // A threshold override: +30 % is within 50 %.
  const lenient = await api(t, "GET", "/api/perf/trends?metric=latency&branch=main&threshold=50");
  assert.equal((lenient.json.series as Json[])[0].status, "stable");
  assert.equal((lenient.json.series as Json[])[0].threshold_pct, 50);

  for (const query of ["?limit=0", "?limit=501", "?threshold=0", "?threshold=-5", "?threshold=x"]) {
    const res = await api(t, "GET", `/api/perf/trends${query}`);
    assert.equal(res.status, 400, query);
  }
});

Deno.test("perf units: which way is better", () => {
  const table: [string, string | null][] = [
    ["ms", "lower"],
    ["µs/token", "lower"],
    ["s", "lower"],
    ["B", "lower"],
    ["bytes", "lower"],
    ["KiB", "lower"],
    ["req/s", "higher"],
    ["hashes/s", "higher"],
    ["MB/s", "higher"],
    ["rps", "higher"],
    ["ratio", "higher"],
    ["rows", null],
    ["%", null],
    ["b", null], // bits, not bytes
  ];
  for (const [unit, better] of table) assert.equal(unitRule(unit)?.direction ?? null, better, unit);
});

Deno.test("perf API: public mode reads but refuses every write", async () => {
  const t = await createTestApp({ ECHELON_PUBLIC_MODE: "true" });
  t.services.db.run(
    `INSERT INTO perf_metrics (category, metric, value, unit, recorded_at)
     VALUES ('api', 'p50', 1, 'ms', '2026-11-19T00:00:00.000Z')`,
  );
  const res = await t.request("/api/perf", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(metric()),
  });
  assert.equal(res.status, 403);
  assert.equal((await res.json()).error, "read_only");
  assert.equal(stored(t).length, 1, "nothing added");
  // The stored metrics (with their CI metadata) are rows; their trends are public.
  const read = await t.request("/api/perf");
  assert.equal(read.status, 403);
  assert.equal((await read.json()).error, "not_public");
  const trends = await t.request("/api/perf/trends");
  assert.equal(trends.status, 200);
  assert.equal((await trends.json()).series[0].latest, 1);
});

Deno.test("perf API: auth — no token is 401, a session needs a same-origin write, bearer and write keys work", async () => {
  const t = await createTestApp({ ...AUTH_ENV, ...ENV });
  const post = (headers: Record<string, string>) =>
    t.request("/api/perf", {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(metric()),
    });
  const anonymous = await post({});
  assert.equal(anonymous.status, 401);
  await anonymous.body?.cancel();
  assert.equal((await t.request("/api/perf")).status, 401);
  const wrong = await post({ authorization: "Bearer not-the-secret" });
  assert.equal(wrong.status, 401);
  await wrong.body?.cancel();

  const cookie = await loginCookie(t);
  const forged = await post({ cookie, origin: "https://evil.example" });
  assert.equal(forged.status, 403);
  await forged.body?.cancel();
  assert.equal(stored(t).length, 0);

  const session = await post({ cookie, origin: TEST_ORIGIN });
  assert.equal(session.status, 201);
  await session.body?.cancel();
  const bearer = await post({ authorization: `Bearer ${SECRET}` });
  assert.equal(bearer.status, 201);
  await bearer.body?.cancel();
  assert.equal(stored(t).length, 2);

  // CI can use a write-scoped API key; a read key may only read.
  const key = async (scope: "read" | "write") => {
    const created = await createApiKey(t.services, { name: `ci-${scope}`, scope });
    assert.equal(created.kind, "created");
    return created.kind === "created" ? created.key : "";
  };
  const writeKey = await post({ authorization: `Bearer ${await key("write")}` });
  assert.equal(writeKey.status, 201);
  await writeKey.body?.cancel();
  const readKey = await key("read");
  const readOnly = await post({ authorization: `Bearer ${readKey}` });
  assert.equal(readOnly.status, 403);
  await readOnly.body?.cancel();
  const read = await t.request("/api/perf/trends", {
    headers: { authorization: `Bearer ${readKey}` },
  });
  assert.equal(read.status, 200);
  await read.body?.cancel();
  assert.equal(stored(t).length, 3);
});

Deno.test("bench/post.ts: a bench run is posted as echelon-bench metrics", async () => {
  assert.deepEqual(
    benchPostTarget(["--", "pixel", "--post", "http://127.0.0.1:1947/"], { ECHELON_SECRET: "s" }),
    { sections: ["pixel"], target: { url: "http://127.0.0.1:1947", token: "s" } },
  );
  assert.deepEqual(
    benchPostTarget([], {
      ECHELON_BENCH_POST_URL: "https://stats.example/echelon",
      ECHELON_API_KEY: "ek_w_x",
      ECHELON_SECRET: "s",
    }).target,
    { url: "https://stats.example/echelon", token: "ek_w_x" },
  );
  assert.equal(benchPostTarget(["stats"], {}).target, null);
  assert.throws(() => benchPostTarget(["--post", "http://x"], {}), /needs a token/);
  assert.throws(() => benchPostTarget(["--post=ftp://x"], { ECHELON_SECRET: "s" }), /http\(s\)/);

  const t = await createTestApp(ENV);
  const server = serveTestApp(t);
  try {
    const result = {
      date: "2026-11-20T06:00:00.000Z",
      machine: { cpus: 2, deno: "2.9.6" },
      figures: [
        {
          name: "GET /b.gif (full pipeline) vs bare Deno.serve pixel",
          value: 13059,
          unit: "req/s",
          baseline: 58544,
          ratio: 0.223,
          budget: "ratio ≥ 0.5",
          command: "deno task bench",
        },
        {
          name: "GET /b.gif rows stored vs wrk requests (0 dropped, 0 lost)",
          value: 104658,
          unit: "rows",
          baseline: 104596,
          ratio: 1.0006,
          command: "deno task bench",
        },
        { name: "/ea.js gzip", value: 4712, unit: "B minified (source 40476 B)", command: "x" },
      ],
    };
    const ok = await postBenchResult({ url: server.baseUrl, token: SECRET }, result, {
      GITHUB_SHA: "0123456789abcdef",
      GITHUB_REF_NAME: "main",
    });
    assert.equal(ok, true);
    const rows = t.services.db.all(
      "SELECT category, metric, value, unit, commit_hash, branch, recorded_at FROM perf_metrics ORDER BY id",
    ).map((row) => ({ ...row }));
    const common = {
      category: "echelon-bench",
      commit_hash: "0123456789abcdef",
      branch: "main",
      recorded_at: "2026-11-20T06:00:00.000Z",
    };
    assert.deepEqual(rows, [
      {
        ...common,
        metric: "GET /b.gif (full pipeline) vs bare Deno.serve pixel",
        value: 13059,
        unit: "req/s",
      },
      {
        ...common,
        metric: "GET /b.gif (full pipeline) vs bare Deno.serve pixel — ratio to baseline",
        value: 0.223,
        unit: "ratio",
      },
      { ...common, metric: "GET /b.gif rows stored vs wrk requests", value: 104658, unit: "rows" },
      { ...common, metric: "/ea.js gzip", value: 4712, unit: "B" },
    ]);
    const [first] = await (await t.request("/api/perf?metric=%2Fea.js%20gzip", {
      headers: { authorization: `Bearer ${SECRET}` },
    })).json();
    assert.deepEqual(first.metadata, {
      command: "x",
      machine: { cpus: 2, deno: "2.9.6" },
      unit_detail: "B minified (source 40476 B)",
    });
    // A refused post reports failure instead of throwing.
    const refused = await postBenchResult({ url: server.baseUrl, token: "wrong" }, result, {
      GITHUB_SHA: "x",
    });
    assert.equal(refused, false);
  } finally {
    await server.close();
  }
});
