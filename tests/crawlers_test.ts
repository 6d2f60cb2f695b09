// Crawlers seen on the server: POST /api/crawl (auth, limits, clear errors, what is stored), the
// access-log import (a fixture of nginx combined lines: crawlers inside and outside their
// published ranges, people, malformed lines) imported twice, and the report next to the
// AI-assistant referrals of the same pages, in JSON, CSV and the admin; public mode cannot read it.
import assert from "node:assert/strict";
import { createApiKey } from "../lib/auth/api_keys.ts";
import { importAccessLog } from "../lib/crawlers/import.ts";
import { oldestCrawlAt } from "../lib/crawlers/mod.ts";
import { insertViews } from "../lib/db/collect.ts";
import { VIEW_COLUMNS, type ViewRow } from "../lib/db/columns.ts";
import { createSite } from "../lib/db/sites.ts";
import { adminApp, adminHtml } from "./_admin.ts";
import { createTestApp, TEST_SECRET, type TestApp } from "./_helpers.ts";

const AUTH = { authorization: `Bearer ${TEST_SECRET}` };
const ENV = { ECHELON_SECRET: TEST_SECRET };
const FIXTURE = new URL("./fixtures/access_combined.log", import.meta.url);
const SITE = "example.com";
const GPTBOT_UA =
  "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)";
const CHROME_UA =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

async function appWithSite(env: Record<string, string> = {}): Promise<TestApp> {
  const t = await createTestApp({ ...ENV, ...env });
  createSite(t.services.db, SITE, null);
  return t;
}

function post(t: TestApp, body: string, headers: Record<string, string> = AUTH) {
  return t.request("/api/crawl", {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });
}

function storedRows(t: TestApp) {
  return t.services.db.all<Record<string, string | number>>(
    `SELECT date, site_id, crawler, path, verification, hits, errors FROM crawler_traffic
     ORDER BY date, crawler, path, verification`,
  ).map((row) => ({ ...row }));
}

async function importFixture(t: TestApp) {
  const { config, crawlers, store, now } = t.services;
  const file = await Deno.open(FIXTURE);
  return importAccessLog(file.readable, {
    crawlers: store.crawlers,
    siteId: SITE,
    classify: crawlers().classify,
    now,
    oldestAt: oldestCrawlAt(config, now()),
    batchLines: 4, // several committed batches in one small file
  });
}

Deno.test("POST /api/crawl: stores crawler hits with their IP verification, not people", async () => {
  const t = await appWithSite();
  const hits = [
    {
      site: SITE,
      path: "/guide?x=1",
      user_agent: GPTBOT_UA,
      ip: "20.171.206.5",
      ts: "2026-11-20T10:00:00Z",
    },
    {
      site: SITE,
      path: "/guide",
      user_agent: GPTBOT_UA,
      ip: "198.51.100.23",
      ts: Date.parse("2026-11-20T11:00:00Z"),
      status: 403,
    },
    {
      site: SITE,
      path: "/guide",
      user_agent: CHROME_UA,
      ip: "192.0.2.1",
      ts: "2026-11-20T11:00:00Z",
    },
  ];
  const res = await post(t, JSON.stringify(hits));
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), {
    accepted: 2,
    ignored: 1,
    by_crawler: { GPTBot: { hits: 2, verified: 1, unverified: 1, unlisted: 0, errors: 1 } },
  });
  // JSON lines are accepted too.
  const lines = hits.slice(0, 1).map((h) => JSON.stringify(h)).join("\n") + "\n";
  assert.equal(
    (await post(t, lines, { ...AUTH, "content-type": "application/x-ndjson" })).status,
    200,
  );
  assert.deepEqual(storedRows(t), [
    {
      date: "2026-11-20",
      site_id: SITE,
      crawler: "GPTBot",
      path: "/guide",
      verification: "unverified",
      hits: 1,
      errors: 1,
    },
    {
      date: "2026-11-20",
      site_id: SITE,
      crawler: "GPTBot",
      path: "/guide",
      verification: "verified",
      hits: 2,
      errors: 0,
    },
  ]);
});

Deno.test("POST /api/crawl: authentication, scopes, limits and clear errors store nothing", async () => {
  const t = await appWithSite();
  const hit = {
    site: SITE,
    path: "/",
    user_agent: GPTBOT_UA,
    ip: "20.171.206.5",
    ts: "2026-11-20T10:00:00Z",
  };
  const body = JSON.stringify([hit]);
  assert.equal((await post(t, body, {})).status, 401);
  const created = await createApiKey(t.services, { name: "reader", scope: "read" });
  assert.equal(created.kind, "created");
  const readKey = { authorization: `Bearer ${created.kind === "created" ? created.key : ""}` };
  const refused = await post(t, body, readKey);
  assert.equal(refused.status, 403);
  assert.equal((await refused.json()).error, "insufficient_scope");

  const cases: [string, number, string, RegExp][] = [
    ["", 400, "empty_body", /empty/],
    ["[{", 400, "invalid_json", /not valid JSON/],
    ["[]", 400, "invalid_payload", /1\.\.1000 hits, got 0/],
    [
      JSON.stringify([hit, { ...hit, ip: "999.1.1.1" }]),
      400,
      "invalid_payload",
      /hits\[1\]\.ip: "999\.1\.1\.1"/,
    ],
    [JSON.stringify([{ ...hit, path: "guide" }]), 400, "invalid_payload", /hits\[0\]\.path/],
    [
      JSON.stringify([{ ...hit, ts: "2025-01-01T00:00:00Z" }]),
      400,
      "invalid_payload",
      /outside the accepted range/,
    ],
    [JSON.stringify([{ ...hit, status: 99 }]), 400, "invalid_payload", /status: 99/],
    [JSON.stringify([{ ...hit, site: "nope.example" }]), 400, "unknown_site", /not registered/],
    [JSON.stringify(Array(1001).fill(hit)), 400, "invalid_payload", /got 1001/],
  ];
  for (const [payload, status, error, message] of cases) {
    const res = await post(t, payload);
    const json = await res.json();
    assert.equal(res.status, status, payload.slice(0, 60));
    assert.equal(json.error, error);
    assert.match(json.message, message);
  }
  const tooLarge = await post(t, JSON.stringify([{ ...hit, user_agent: "x".repeat(1_100_000) }]));
  assert.equal(tooLarge.status, 413);
  assert.equal((await tooLarge.json()).error, "payload_too_large");
  assert.deepEqual(storedRows(t), []);
});

Deno.test("access-log import: the fixture's exact counts, and a second import adds nothing", async () => {
  const t = await appWithSite();
  const first = await importFixture(t);
  assert.equal(first.lines, 16);
  assert.equal(first.alreadyImported, 0);
  assert.equal(first.crawlerHits, 10);
  assert.equal(first.people, 2);
  assert.deepEqual(first.skipped, { malformed: 1, no_user_agent: 1, bad_request: 1, too_old: 1 });
  assert.deepEqual(first.byCrawler, {
    GPTBot: { hits: 3, verified: 2, unverified: 1, unlisted: 0, errors: 0 },
    Googlebot: { hits: 2, verified: 1, unverified: 1, unlisted: 0, errors: 1 },
    ClaudeBot: { hits: 1, verified: 1, unverified: 0, unlisted: 0, errors: 0 },
    Bytespider: { hits: 2, verified: 0, unverified: 0, unlisted: 2, errors: 0 },
    "ChatGPT-User": { hits: 1, verified: 1, unverified: 0, unlisted: 0, errors: 0 },
    Bingbot: { hits: 1, verified: 1, unverified: 0, unlisted: 0, errors: 0 },
  });
  const stored = storedRows(t);

  const second = await importFixture(t);
  assert.equal(second.lines, 16);
  assert.equal(second.alreadyImported, 16);
  assert.equal(second.crawlerHits, 0);
  assert.deepEqual(storedRows(t), stored);
});

Deno.test("access-log import: a grown log adds only its new lines; gzip is read as text", async () => {
  const t = await appWithSite();
  const text = await Deno.readTextFile(FIXTURE);
  const [head, ...rest] = text.split("\n");
  const { config, crawlers, store, now } = t.services;
  const run = (bytes: Uint8Array) =>
    importAccessLog(ReadableStream.from([bytes]), {
      crawlers: store.crawlers,
      siteId: SITE,
      classify: crawlers().classify,
      now,
      oldestAt: oldestCrawlAt(config, now()),
    });
  // The first import sees the first line and half of the second (still being written).
  const partial = await run(new TextEncoder().encode(`${head}\n${rest[0].slice(0, 30)}`));
  assert.equal(partial.lines, 1);
  assert.equal(partial.crawlerHits, 1);
  // Then the whole log arrives rotated and gzipped: everything but the first line is new.
  const gz = new Uint8Array(
    await new Response(
      ReadableStream.from([new TextEncoder().encode(text)]).pipeThrough(
        new CompressionStream("gzip") as ReadableWritablePair<Uint8Array>,
      ),
    ).arrayBuffer(),
  );
  const whole = await run(gz);
  assert.equal(whole.gzip, true);
  assert.equal(whole.alreadyImported, 1);
  assert.equal(whole.crawlerHits, 9);
  const total = t.services.db.get<{ n: number }>("SELECT SUM(hits) AS n FROM crawler_traffic")!.n;
  assert.equal(total, 10);
});

function aiView(fields: Partial<ViewRow>): ViewRow {
  const row = Object.fromEntries(VIEW_COLUMNS.map((c) => [c, null])) as ViewRow;
  return Object.assign(row, {
    visitor_id: "v-1",
    site_id: SITE,
    path: "/guide/setup",
    is_spa: 0,
    is_returning: 0,
    is_pwa: 0,
    referrer: "https://chatgpt.com",
    referrer_domain: "chatgpt.com",
    referrer_type: "ai",
    pow_verdict: "valid",
    bot_score: 0,
    bot_score_detail: "{}",
    created_at: "2026-11-20T09:01:00.000Z",
  }, fields);
}

Deno.test("crawler report: pages crawled by AI bots next to the AI referrals they received", async () => {
  const t = await adminApp(ENV);
  createSite(t.services.db, SITE, null);
  await importFixture(t);
  insertViews(t.services.db, [
    aiView({}),
    aiView({ visitor_id: "v-2", referrer_domain: "perplexity.ai" }),
    // Not counted: a bot-scored view and a view referred by a search engine.
    aiView({ visitor_id: "v-3", bot_score: 60 }),
    aiView({ visitor_id: "v-4", referrer_domain: "google.com", referrer_type: "search" }),
  ]);
  const res = await t.request(`/api/bots/crawlers?site_id=${SITE}&days=7`, { headers: AUTH });
  assert.equal(res.status, 200);
  const report = await res.json();
  assert.equal(report.since, "2026-11-14");
  assert.equal(report.ranges_snapshot, "2026-05-05");
  assert.deepEqual(
    report.crawlers.map((
      c: Record<string, unknown>,
    ) => [c.crawler, c.category, c.hits, c.verified, c.unverified, c.unlisted]),
    [
      ["GPTBot", "ai_training", 3, 2, 1, 0],
      ["Bytespider", "ai_training", 2, 0, 0, 2],
      ["Googlebot", "search", 2, 1, 1, 0],
      ["Bingbot", "search", 1, 1, 0, 0],
      ["ChatGPT-User", "ai_assistant", 1, 1, 0, 0],
      ["ClaudeBot", "ai_training", 1, 1, 0, 0],
    ],
  );
  assert.deepEqual(report.unverified, [
    { crawler: "GPTBot", category: "ai_training", hits: 1 },
    { crawler: "Googlebot", category: "search", hits: 1 },
  ]);
  const [top] = report.pages;
  assert.equal(top.path, "/guide/setup");
  assert.equal(top.hits, 5);
  assert.equal(top.ai_referrals, 2);
  assert.deepEqual(top.assistants, [
    { assistant: "chatgpt.com", views: 1, visitors: 1 },
    { assistant: "perplexity.ai", views: 1, visitors: 1 },
  ]);
  assert.deepEqual(
    top.crawlers.map((c: Record<string, unknown>) => [c.crawler, c.hits, c.verified]),
    [["GPTBot", 3, 2], ["ChatGPT-User", 1, 1], ["ClaudeBot", 1, 1]],
  );
  assert.deepEqual(
    report.by_day.filter((d: Record<string, unknown>) => d.crawler === "GPTBot")
      .map((d: Record<string, unknown>) => [d.date, d.hits, d.verified, d.unverified]),
    [["2026-11-19", 2, 1, 1], ["2026-11-20", 1, 1, 0]],
  );

  const csv = await t.request(`/api/export/crawlers.csv?site_id=${SITE}&days=7`, { headers: AUTH });
  assert.equal(csv.status, 200);
  const text = await csv.text();
  assert.match(text, /\r\nGPTBot,ai_training,3,2,1,0,0\r\n/);
  assert.match(
    text,
    /example\.com,\/guide\/setup,5,4,1,0,0,2,GPTBot:3 ChatGPT-User:1 ClaudeBot:1,chatgpt\.com:1 perplexity\.ai:1/,
  );

  const { status, html } = await adminHtml(t, `/admin/bots/crawlers?site=${SITE}&days=7`);
  assert.equal(status, 200);
  assert.match(html, /\/guide\/setup/);
  assert.match(html, /chatgpt\.com/);
  assert.match(html, /unverified \(spoofed\?\)/i);
  assert.match(html, /href="\/api\/export\/crawlers\.csv\?days=7&amp;site_id=example\.com"/);
  const bots = await adminHtml(t, `/admin/bots?site=${SITE}&days=7`);
  assert.match(bots.html, /href="\/admin\/bots\/crawlers\?site=example\.com&amp;days=7"/);
});

Deno.test("crawler report: a public instance serves neither the report nor the endpoint", async () => {
  const t = await appWithSite({ ECHELON_PUBLIC_MODE: "true" });
  await importFixture(t);
  for (
    const path of [`/api/bots/crawlers?site_id=${SITE}`, `/api/export/crawlers.csv?site_id=${SITE}`]
  ) {
    const res = await t.request(path);
    assert.equal(res.status, 403, path);
    assert.equal((await res.json()).error, "not_public");
  }
  const write = await t.request("/api/crawl", { method: "POST", body: "[]" });
  assert.equal(write.status, 403);
  assert.equal((await write.json()).error, "read_only");
  const page = await t.request("/admin/bots/crawlers");
  assert.notEqual(page.status, 200);
  // With the bearer, the owner still reads it.
  const owner = await t.request(`/api/bots/crawlers?site_id=${SITE}`, { headers: AUTH });
  assert.equal(owner.status, 200);
});
