// Every scoring signal end to end: a request to GET /b.gif or POST /e of the in-process app, then
// the stored row's bot_score and parsed bot_score_detail (and the drop header when nothing lands).
// Hits are a real browser's (a valid token and trusted input, tests/_collect.ts verifiedQuery)
// unless a test overrides `tok` or `it`, so each signal's points stand alone.
import assert from "node:assert/strict";
import { verifiedQuery } from "./_collect.ts";
import { createTestApp, type TestApp } from "./_helpers.ts";

const SITE = "site-a";
const CHROME_UA =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
/** Listed by crawler-user-agents (`Code\/1\.`) but a real app: VS Code's Electron webview. */
const FEED_ONLY_UA =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Code/1.115.0 Chrome/142.0.7444.265 Electron/39.8.5 Safari/537.36";

/** A desktop Chrome's headers; geo comes from x-country-code (ECHELON_TRUST_GEO_HEADERS). */
const BROWSER: Record<string, string> = {
  "user-agent": CHROME_UA,
  "accept-language": "en-US,en;q=0.9",
  "sec-ch-ua": '"Chromium";v="131", "Google Chrome";v="131"',
  "sec-fetch-site": "cross-site",
  "x-country-code": "FI",
};
/** Every peer stands for the geo proxy that sets x-country-code (one hop). */
const BASE_ENV = {
  ECHELON_DEBUG: "true",
  ECHELON_TRUST_GEO_HEADERS: "true",
  ECHELON_TRUST_PROXY: "1",
};
/** Behind Cloudflare: the test app's peer (203.0.113.7) stands for Cloudflare's edge. */
const CLOUDFLARE_ENV = {
  ...BASE_ENV,
  ECHELON_BEHIND_CLOUDFLARE: "true",
  ECHELON_TRUST_PROXY: "203.0.113.0/24",
};
/** What a verified hit's breakdown carries: the valid verdict, no points. */
const VALID = { pow_result: "valid" };
/** What a hit without a token carries: the missing-PoW points and the no-proof rule. */
const MISSING = { pow: 15, pow_result: "missing", no_proof: 50 };

const b64 = (text: string) => btoa(text);

/** Query of a first page view from a human: 2.4 s interaction, full HD, from Google. */
function viewQuery(overrides: Record<string, string | null> = {}): string {
  const params: Record<string, string | null> = {
    s: SITE,
    p: b64("/blog/post"),
    _v: "2400",
    sw: "1920",
    sh: "1080",
    ref: b64("https://www.google.com/"),
    ...overrides,
  };
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== null) q.set(key, value);
  return `/b.gif?${q}`;
}

function requestHeaders(
  overrides: Record<string, string | null> = {},
): Record<string, string> {
  const h: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...BROWSER, ...overrides })) {
    if (value !== null) h[key] = value;
  }
  return h;
}

interface Sent {
  ip?: string;
  query?: Record<string, string | null>;
  headers?: Record<string, string | null>;
}

/** Sends a page view; returns the drop reason from the debug header (null when accepted). */
async function sendView(t: TestApp, sent: Sent = {}): Promise<string | null> {
  const site = sent.query?.s ?? SITE;
  const res = await t.request(viewQuery({ ...verifiedQuery(t, site), ...sent.query }), {
    headers: requestHeaders(sent.headers),
    ip: sent.ip ?? "203.0.113.7",
  });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "image/gif");
  await res.body?.cancel();
  return res.headers.get("x-echelon-drop");
}

interface StoredScore {
  bot_score: number;
  detail: Record<string, unknown>;
  pow_verdict?: string | null;
}

async function storedViews(t: TestApp): Promise<StoredScore[]> {
  await t.services.collect.views.flush();
  return t.services.db.all<{ bot_score: number; bot_score_detail: string; pow_verdict: string }>(
    "SELECT bot_score, bot_score_detail, pow_verdict FROM visitor_views ORDER BY id",
  ).map((r) => ({
    bot_score: r.bot_score,
    detail: JSON.parse(r.bot_score_detail),
    pow_verdict: r.pow_verdict,
  }));
}

async function storedEvents(t: TestApp): Promise<StoredScore[]> {
  await t.services.collect.events.flush();
  return t.services.db.all<{ bot_score: number; bot_score_detail: string }>(
    "SELECT bot_score, bot_score_detail FROM semantic_events ORDER BY id",
  ).map((r) => ({ bot_score: r.bot_score, detail: JSON.parse(r.bot_score_detail) }));
}

async function dropCounts(t: TestApp) {
  await t.services.collect.flushCounters();
  return t.services.db.all("SELECT site_id, endpoint, reason, hits FROM drop_counts")
    .map((row) => ({ ...row }));
}

/** Sends one view and returns its stored score (asserting it was stored). */
async function scoreOfView(t: TestApp, sent: Sent = {}): Promise<StoredScore> {
  const before = (await storedViews(t)).length;
  assert.equal(await sendView(t, sent), null, "the view is accepted");
  const rows = await storedViews(t);
  assert.equal(rows.length, before + 1, "exactly one row stored");
  const { bot_score, detail } = rows[rows.length - 1];
  return { bot_score, detail };
}

function solvedToken(t: TestApp, site = SITE): string {
  return verifiedQuery(t, site).tok;
}

interface SentEvents {
  ip?: string;
  headers?: Record<string, string | null>;
  /** The batch's token: a fresh valid one by default, null for none. */
  tok?: string | null;
  path?: string;
}

async function sendEvents(t: TestApp, sent: SentEvents = {}): Promise<string | null> {
  const body = {
    siteId: SITE,
    ...(sent.tok === null ? {} : { tok: sent.tok ?? solvedToken(t) }),
    events: [
      { type: "click", data: { path: sent.path ?? "/blog/post", tag: "a" } },
      { type: "scroll_depth", data: { path: sent.path ?? "/blog/post", depth: 50 } },
    ],
  };
  const res = await t.request("/e", {
    method: "POST",
    headers: { ...requestHeaders(sent.headers), "content-type": "text/plain" },
    body: JSON.stringify(body),
    ip: sent.ip ?? "203.0.113.7",
  });
  assert.equal(res.status, 204);
  return res.headers.get("x-echelon-drop");
}

/** Sends a batch of two events; both rows carry the request's one score. */
async function scoreOfEvents(t: TestApp, sent: SentEvents = {}): Promise<StoredScore> {
  const before = (await storedEvents(t)).length;
  assert.equal(await sendEvents(t, sent), null, "the events are accepted");
  const rows = (await storedEvents(t)).slice(before);
  assert.equal(rows.length, 2);
  assert.deepEqual(rows[1], rows[0], "one score per request");
  return rows[0];
}

// ---------------------------------------------------------------------------------------------
// GET /b.gif

Deno.test("b.gif: a clean browser view with a solved token is stored with score 0", async () => {
  const t = await createTestApp(BASE_ENV);
  assert.equal(await sendView(t, { query: { tok: solvedToken(t) } }), null);
  assert.deepEqual(await storedViews(t), [{
    bot_score: 0,
    detail: { pow_result: "valid" },
    pow_verdict: "valid",
  }]);
});

Deno.test("b.gif: proof-of-work verdicts missing, invalid, expired and replayed", async () => {
  const t = await createTestApp(BASE_ENV);
  assert.deepEqual(await scoreOfView(t, { ip: "198.51.100.1", query: { tok: null } }), {
    bot_score: 65,
    detail: MISSING,
  });
  assert.deepEqual(
    await scoreOfView(t, { ip: "198.51.100.2", query: { tok: "not-a-token" } }),
    { bot_score: 75, detail: { pow: 25, pow_result: "invalid", no_proof: 50 } },
  );
  const replayedToken = solvedToken(t);
  assert.deepEqual(await scoreOfView(t, { ip: "198.51.100.3", query: { tok: replayedToken } }), {
    bot_score: 0,
    detail: { pow_result: "valid" },
  }, "the first visitor owns the token");
  assert.deepEqual(await scoreOfView(t, { ip: "198.51.100.3", query: { tok: replayedToken } }), {
    bot_score: 0,
    detail: { pow_result: "valid" },
  }, "and may reuse it");
  assert.deepEqual(await scoreOfView(t, { ip: "198.51.100.4", query: { tok: replayedToken } }), {
    bot_score: 90,
    detail: { pow: 40, pow_result: "replayed", no_proof: 50 },
  }, "another visitor replays it: decided at ingest");

  const oldToken = solvedToken(t);
  t.clock.now += 11 * 60_000; // past the 10-minute challenge window
  assert.deepEqual(await scoreOfView(t, { ip: "198.51.100.5", query: { tok: oldToken } }), {
    bot_score: 75,
    detail: { pow: 25, pow_result: "expired", no_proof: 50 },
  });
  assert.deepEqual(
    (await storedViews(t)).map((r) => r.pow_verdict),
    ["missing", "invalid", "valid", "valid", "replayed", "expired"],
  );
});

Deno.test("b.gif: a token for another site is invalid", async () => {
  const t = await createTestApp(BASE_ENV);
  assert.deepEqual(await scoreOfView(t, { query: { tok: solvedToken(t, "other-site") } }), {
    bot_score: 75,
    detail: { pow: 25, pow_result: "invalid", no_proof: 50 },
  });
});

Deno.test("b.gif: interaction time < 850 ms, 850-999 ms, >= 1000 ms and SPA views", async () => {
  const t = await createTestApp(BASE_ENV);
  const cases: [v: string, expected: Record<string, unknown>][] = [
    ["0", { timing: 20 }],
    ["849", { timing: 20 }],
    ["850", { timing: 8 }],
    ["999", { timing: 8 }],
    ["1000", {}],
    ["spa", {}],
  ];
  for (const [i, [v, extra]] of cases.entries()) {
    const stored = await scoreOfView(t, { ip: `198.51.100.${i + 1}`, query: { _v: v } });
    const points = Object.values(extra).reduce((a: number, b) => a + (b as number), 0);
    assert.deepEqual(stored, { bot_score: points, detail: { ...VALID, ...extra } }, `_v=${v}`);
  }
});

Deno.test("b.gif: suspect countries, global and per site, stacking", async () => {
  const t = await createTestApp({
    ...BASE_ENV,
    ECHELON_SITE_SUSPECT_COUNTRIES: "site-a:CN,RU",
  });
  const from = (country: string, site = SITE) =>
    scoreOfView(t, { query: { s: site }, headers: { "x-country-code": country } });
  assert.deepEqual(await from("CN"), {
    bot_score: 60,
    detail: { ...VALID, geo: 30, geo_site: 30 },
  });
  assert.deepEqual(await from("RU"), { bot_score: 30, detail: { ...VALID, geo_site: 30 } });
  assert.deepEqual(await from("CN", "site-b"), { bot_score: 30, detail: { ...VALID, geo: 30 } });
  assert.deepEqual(await from("RU", "site-b"), { bot_score: 0, detail: VALID });
  assert.deepEqual(await from("FI"), { bot_score: 0, detail: VALID });
});

Deno.test("b.gif: ECHELON_SUSPECT_POINTS=0 disables the country signals", async () => {
  const t = await createTestApp({
    ...BASE_ENV,
    ECHELON_SUSPECT_POINTS: "0",
    ECHELON_SITE_SUSPECT_COUNTRIES: "site-a:CN",
  });
  const stored = await scoreOfView(t, { headers: { "x-country-code": "CN" } });
  assert.deepEqual(stored, { bot_score: 0, detail: VALID });
});

Deno.test("b.gif: more than 15 views per IP in 5 minutes adds the burst points", async () => {
  const t = await createTestApp(BASE_ENV);
  for (let i = 0; i < 16; i++) assert.equal(await sendView(t, { ip: "198.51.100.9" }), null);
  const rows = await storedViews(t);
  assert.equal(rows.length, 16);
  assert.deepEqual(rows.slice(0, 15).map((r) => r.bot_score), Array(15).fill(0));
  assert.deepEqual(rows[15], {
    bot_score: 25,
    detail: { ...VALID, burst: 25 },
    pow_verdict: "valid",
  });
  assert.deepEqual(await scoreOfView(t, { ip: "198.51.100.10" }), {
    bot_score: 0,
    detail: VALID,
  }, "another IP is not affected");
  t.clock.now += 5 * 60_000 + 1;
  assert.deepEqual(await scoreOfView(t, { ip: "198.51.100.9" }), {
    bot_score: 0,
    detail: VALID,
  }, "a new window starts over");
});

Deno.test("b.gif: missing Accept-Language, and missing both Sec-CH-UA and Sec-Fetch-Site", async () => {
  const t = await createTestApp(BASE_ENV);
  const cases: [headers: Record<string, null>, expected: Record<string, unknown>][] = [
    [{ "accept-language": null }, { headers: 10 }],
    [{ "sec-ch-ua": null }, {}],
    [{ "sec-fetch-site": null }, {}],
    [{ "sec-ch-ua": null, "sec-fetch-site": null }, { headers: 10 }],
    [{ "accept-language": null, "sec-ch-ua": null, "sec-fetch-site": null }, { headers: 20 }],
  ];
  for (const [i, [headers, extra]] of cases.entries()) {
    const stored = await scoreOfView(t, { ip: `198.51.100.${i + 1}`, headers });
    const points = (extra.headers as number | undefined) ?? 0;
    assert.deepEqual(stored, { bot_score: points, detail: { ...VALID, ...extra } });
  }
});

Deno.test("b.gif: unrealistic screen dimensions", async () => {
  const t = await createTestApp(BASE_ENV);
  // The token's evidence says 1920×1080 (a real screen); a sent dimension that differs from it
  // also contradicts the evidence (`env_mismatch`), one that is unreadable says nothing.
  const cases: [w: string | null, h: string | null, points: number, contradicts: boolean][] = [
    ["0", "1080", 10, true],
    ["1920", "0", 10, true],
    ["-5", "800", 10, true],
    ["20000", "1080", 10, true],
    ["abc", "1080", 10, false],
    ["1920", null, 10, false],
    ["390", "844", 0, true],
    [null, null, 0, false],
  ];
  for (const [i, [sw, sh, points, contradicts]] of cases.entries()) {
    const stored = await scoreOfView(t, { ip: `198.51.100.${i + 1}`, query: { sw, sh } });
    const detail = {
      ...VALID,
      ...(points ? { screen: points } : {}),
      ...(contradicts ? { env_mismatch: 25 } : {}),
    };
    const score = points + (contradicts ? 25 : 0);
    assert.deepEqual(stored, { bot_score: score, detail }, `sw=${sw} sh=${sh}`);
  }
});

Deno.test("b.gif: no referrer on a deep path", async () => {
  const t = await createTestApp(BASE_ENV);
  const cases: [path: string, ref: string | null, points: number][] = [
    ["/blog/post", null, 5],
    ["/a/b/c?utm_source=x", null, 5],
    ["/blog", null, 0],
    ["/", null, 0],
    ["/blog/post", b64("https://www.google.com/search?q=x"), 0],
    ["/blog/post", b64("https://www.reddit.com/r/x"), 0],
    // Any other site is "direct_or_unknown" in the contract's referrer types, so it still counts.
    ["/blog/post", b64("https://news.example.org/"), 5],
  ];
  for (const [i, [path, ref, points]] of cases.entries()) {
    const stored = await scoreOfView(t, {
      ip: `198.51.100.${i + 1}`,
      query: { p: b64(path), ref },
    });
    const detail = points ? { ...VALID, referrer: points } : VALID;
    assert.deepEqual(stored, { bot_score: points, detail }, `${path} ref=${ref}`);
  }
});

Deno.test("b.gif: Cloudflare bot score and verified bot, only behind Cloudflare", async () => {
  const cf = await createTestApp(CLOUDFLARE_ENV);
  const cases: [headers: Record<string, string>, extra: Record<string, number>][] = [
    [{ "cf-bot-score": "1" }, { cf: 50 }],
    [{ "cf-bot-score": "20" }, { cf: 30 }],
    [{ "cf-bot-score": "45" }, { cf: 10 }],
    [{ "cf-bot-score": "80" }, {}],
    [{ "cf-bot-score": "90", "cf-verified-bot": "true" }, { cf_verified: 15 }],
    [{ "cf-verified-bot": "true" }, {}],
  ];
  for (const [i, [headers, extra]] of cases.entries()) {
    const stored = await scoreOfView(cf, {
      headers: { ...headers, "cf-connecting-ip": `198.51.100.${i + 1}`, "cf-ipcountry": "FI" },
    });
    const points = Object.values(extra).reduce((a, b) => a + b, 0);
    assert.deepEqual(stored, { bot_score: points, detail: { ...VALID, ...extra } });
  }

  const direct = await createTestApp(BASE_ENV);
  assert.deepEqual(
    await scoreOfView(direct, { headers: { "cf-bot-score": "1", "cf-verified-bot": "true" } }),
    { bot_score: 0, detail: VALID },
    "spoofed Cloudflare headers are ignored without ECHELON_BEHIND_CLOUDFLARE",
  );
});

Deno.test("b.gif: a UA only the crawler feed lists is scored, not dropped", async () => {
  const t = await createTestApp(BASE_ENV);
  assert.deepEqual(await scoreOfView(t, { headers: { "user-agent": FEED_ONLY_UA } }), {
    bot_score: 30,
    detail: { ...VALID, crawler_feed: 30 },
  });
});

Deno.test("b.gif: known-bot UAs are dropped before scoring and nothing is stored", async () => {
  const t = await createTestApp(BASE_ENV);
  assert.equal(await sendView(t, { headers: { "user-agent": "curl/8.4.0" } }), "known_bot");
  assert.deepEqual(await storedViews(t), []);
});

Deno.test("b.gif: the stored score is capped at 100 with the full breakdown", async () => {
  const t = await createTestApp({
    ...CLOUDFLARE_ENV,
    ECHELON_SITE_SUSPECT_COUNTRIES: "site-a:CN",
  });
  const stored = await scoreOfView(t, {
    headers: {
      "user-agent": FEED_ONLY_UA,
      "accept-language": null,
      "sec-ch-ua": null,
      "sec-fetch-site": null,
      "cf-bot-score": "1",
      "cf-verified-bot": "true",
      "cf-ipcountry": "CN",
    },
    query: { tok: "forged", _v: "10", sw: "0", ref: null, p: b64("/a/b") },
  });
  assert.deepEqual(stored, {
    bot_score: 100,
    detail: {
      cf: 50,
      cf_verified: 15,
      pow: 25,
      pow_result: "invalid",
      no_proof: 50,
      timing: 20,
      geo: 30,
      geo_site: 30,
      headers: 20,
      screen: 10,
      referrer: 5,
      crawler_feed: 30,
    },
  });
});

Deno.test("b.gif: ECHELON_BOT_DISCARD_THRESHOLD=50 drops and counts over_threshold", async () => {
  const t = await createTestApp({ ...BASE_ENV, ECHELON_BOT_DISCARD_THRESHOLD: "50" });
  // 30 (crawler feed) + 10 (no Accept-Language) = 40: stored.
  assert.equal(
    await sendView(t, { headers: { "user-agent": FEED_ONLY_UA, "accept-language": null } }),
    null,
  );
  // 40 + 10 (neither Sec-CH-UA nor Sec-Fetch-Site) = 50: dropped.
  const bare = { "accept-language": null, "sec-ch-ua": null, "sec-fetch-site": null };
  assert.equal(
    await sendView(t, { headers: { "user-agent": FEED_ONLY_UA, ...bare } }),
    "over_threshold",
  );
  // A view without a token: 15 + 50 = 65, dropped.
  assert.equal(await sendView(t, { query: { tok: null } }), "over_threshold");
  assert.deepEqual((await storedViews(t)).map((r) => r.bot_score), [40]);
  assert.deepEqual(
    await dropCounts(t),
    [{ site_id: SITE, endpoint: "b.gif", reason: "over_threshold", hits: 2 }],
  );
});

Deno.test("b.gif: the default threshold 0 stores even a score of 100", async () => {
  const t = await createTestApp({ ...BASE_ENV, ECHELON_SITE_SUSPECT_COUNTRIES: "site-a:CN" });
  const stored = await scoreOfView(t, {
    headers: { "x-country-code": "CN", "user-agent": FEED_ONLY_UA },
    query: { tok: "forged" },
  });
  assert.equal(stored.bot_score, 100);
});

// ---------------------------------------------------------------------------------------------
// POST /e

Deno.test("e: a clean browser with a solved token stores score 0 on every event", async () => {
  const t = await createTestApp(BASE_ENV);
  assert.deepEqual(await scoreOfEvents(t, { tok: solvedToken(t) }), {
    bot_score: 0,
    detail: { pow_result: "valid" },
  });
});

Deno.test("e: proof-of-work verdicts", async () => {
  const t = await createTestApp(BASE_ENV);
  assert.deepEqual(await scoreOfEvents(t, { ip: "198.51.100.1", tok: null }), {
    bot_score: 65,
    detail: MISSING,
  });
  assert.deepEqual(await scoreOfEvents(t, { ip: "198.51.100.2", tok: "junk" }), {
    bot_score: 75,
    detail: { pow: 25, pow_result: "invalid", no_proof: 50 },
  });
  const token = solvedToken(t);
  await scoreOfEvents(t, { ip: "198.51.100.3", tok: token });
  assert.deepEqual(await scoreOfEvents(t, { ip: "198.51.100.4", tok: token }), {
    bot_score: 90,
    detail: { pow: 40, pow_result: "replayed", no_proof: 50 },
  });
  const old = solvedToken(t);
  t.clock.now += 11 * 60_000;
  assert.deepEqual(await scoreOfEvents(t, { ip: "198.51.100.5", tok: old }), {
    bot_score: 75,
    detail: { pow: 25, pow_result: "expired", no_proof: 50 },
  });
});

Deno.test("e: a view's token stays valid for the same visitor's events", async () => {
  const t = await createTestApp(BASE_ENV);
  const token = solvedToken(t);
  assert.equal(await sendView(t, { query: { tok: token } }), null);
  assert.deepEqual(await scoreOfEvents(t, { tok: token }), {
    bot_score: 0,
    detail: { pow_result: "valid" },
  });
});

Deno.test("e: headers, country and crawler-feed signals; no timing, screen or referrer", async () => {
  const t = await createTestApp({ ...BASE_ENV, ECHELON_SITE_SUSPECT_COUNTRIES: "site-a:CN" });
  assert.deepEqual(await scoreOfEvents(t, { ip: "198.51.100.1", path: "/deep/path/here" }), {
    bot_score: 0,
    detail: VALID,
  }, "a deep path without a referrer is a page-view signal only");
  assert.deepEqual(
    await scoreOfEvents(t, {
      ip: "198.51.100.2",
      headers: { "accept-language": null, "sec-ch-ua": null, "sec-fetch-site": null },
    }),
    { bot_score: 20, detail: { ...VALID, headers: 20 } },
  );
  assert.deepEqual(
    await scoreOfEvents(t, { ip: "198.51.100.3", headers: { "x-country-code": "CN" } }),
    { bot_score: 60, detail: { ...VALID, geo: 30, geo_site: 30 } },
  );
  assert.deepEqual(
    await scoreOfEvents(t, { ip: "198.51.100.4", headers: { "user-agent": FEED_ONLY_UA } }),
    { bot_score: 30, detail: { ...VALID, crawler_feed: 30 } },
  );
});

Deno.test("e: Cloudflare signals behind Cloudflare", async () => {
  const t = await createTestApp(CLOUDFLARE_ENV);
  assert.deepEqual(
    await scoreOfEvents(t, { headers: { "cf-bot-score": "2", "cf-verified-bot": "true" } }),
    { bot_score: 65, detail: { ...VALID, cf: 50, cf_verified: 15 } },
  );
});

Deno.test("e: events read the burst counter of page views but do not add to it", async () => {
  const t = await createTestApp(BASE_ENV);
  for (let i = 0; i < 15; i++) await sendView(t, { ip: "198.51.100.9" });
  for (let i = 0; i < 3; i++) {
    assert.deepEqual(await scoreOfEvents(t, { ip: "198.51.100.9" }), {
      bot_score: 0,
      detail: VALID,
    }, "15 views are not a burst, and events do not count");
  }
  await sendView(t, { ip: "198.51.100.9" });
  assert.deepEqual(await scoreOfEvents(t, { ip: "198.51.100.9" }), {
    bot_score: 25,
    detail: { ...VALID, burst: 25 },
  });
});

Deno.test("e: over the discard threshold nothing is stored and the drop is counted", async () => {
  const t = await createTestApp({ ...BASE_ENV, ECHELON_BOT_DISCARD_THRESHOLD: "50" });
  assert.equal(
    await sendEvents(t, {
      headers: {
        "user-agent": FEED_ONLY_UA,
        "accept-language": null,
        "sec-ch-ua": null,
        "sec-fetch-site": null,
      },
    }),
    "over_threshold",
  );
  assert.deepEqual(await storedEvents(t), []);
  assert.deepEqual(
    await dropCounts(t),
    [{ site_id: SITE, endpoint: "e", reason: "over_threshold", hits: 1 }],
  );
});

Deno.test("e: known-bot UAs are dropped before scoring", async () => {
  const t = await createTestApp(BASE_ENV);
  assert.equal(await sendEvents(t, { headers: { "user-agent": "curl/8.4.0" } }), "known_bot");
  assert.deepEqual(await storedEvents(t), []);
});
