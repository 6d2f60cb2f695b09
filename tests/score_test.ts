// Unit tests of scoreHit (lib/bots/score.ts): every signal of the contract's table, with the exact
// per-signal breakdown it stores and the total capped at 100.
import assert from "node:assert/strict";
import { scoreHit, type ScoreInput } from "../lib/bots/score.ts";

/** Headers of a real desktop browser: nothing here scores. */
const BROWSER_HEADERS = {
  "accept-language": "en-US,en;q=0.9",
  "sec-ch-ua": '"Chromium";v="131", "Google Chrome";v="131"',
  "sec-fetch-site": "cross-site",
};

/** A first page view of a human on a desktop: scores 0 with only the PoW verdict recorded. */
function clean(overrides: Partial<ScoreInput> = {}): ScoreInput {
  return {
    kind: "view",
    headers: new Headers(BROWSER_HEADERS),
    behindCloudflare: false,
    powVerdict: "valid",
    interactionMs: 2400,
    interaction: { kinds: 1, moves: 12, distance: 340 },
    country: "FI",
    suspectCountries: ["CN"],
    siteSuspectCountries: [],
    suspectPoints: 30,
    burstCount: 1,
    screenWidth: 1920,
    screenHeight: 1080,
    screenGiven: true,
    referrerType: "search",
    path: "/blog/post",
    ...overrides,
  };
}

function headers(extra: Record<string, string>, base: Record<string, string> = BROWSER_HEADERS) {
  return new Headers({ ...base, ...extra });
}

function withoutHeader(...names: string[]): Headers {
  const h = new Headers(BROWSER_HEADERS);
  for (const name of names) h.delete(name);
  return h;
}

Deno.test("scoreHit: a clean browser view scores 0 and records only the PoW verdict", () => {
  assert.deepEqual(scoreHit(clean()), { score: 0, detail: { pow_result: "valid" } });
});

Deno.test("scoreHit: Cloudflare bot score bands (behind Cloudflare)", () => {
  const cases: [header: string, points: number | undefined][] = [
    ["1", 50],
    ["2", 50],
    ["3", 30],
    ["29", 30],
    ["30", 10],
    ["50", 10],
    ["51", 0],
    ["99", 0],
  ];
  for (const [value, points] of cases) {
    const result = scoreHit(
      clean({ behindCloudflare: true, headers: headers({ "cf-bot-score": value }) }),
    );
    const expected = points ? { cf: points, pow_result: "valid" } : { pow_result: "valid" };
    assert.deepEqual(result, { score: points ?? 0, detail: expected }, `cf-bot-score ${value}`);
  }
});

Deno.test("scoreHit: out-of-range or malformed Cloudflare scores are ignored", () => {
  for (const value of ["0", "100", "abc", "-5", "2.5", ""]) {
    const result = scoreHit(
      clean({ behindCloudflare: true, headers: headers({ "cf-bot-score": value }) }),
    );
    assert.deepEqual(result, { score: 0, detail: { pow_result: "valid" } }, `"${value}"`);
  }
});

Deno.test("scoreHit: Cloudflare verified bot counts only with a score header", () => {
  const verified = (extra: Record<string, string>) =>
    scoreHit(clean({ behindCloudflare: true, headers: headers(extra) }));
  assert.deepEqual(verified({ "cf-bot-score": "99", "cf-verified-bot": "true" }), {
    score: 15,
    detail: { cf_verified: 15, pow_result: "valid" },
  });
  assert.deepEqual(verified({ "cf-bot-score": "1", "cf-verified-bot": "true" }), {
    score: 65,
    detail: { cf: 50, cf_verified: 15, pow_result: "valid" },
  });
  assert.deepEqual(verified({ "cf-verified-bot": "true" }), {
    score: 0,
    detail: { pow_result: "valid" },
  });
  assert.deepEqual(verified({ "cf-bot-score": "99", "cf-verified-bot": "false" }), {
    score: 0,
    detail: { pow_result: "valid" },
  });
});

Deno.test("scoreHit: Cloudflare headers are ignored when not behind Cloudflare", () => {
  const result = scoreHit(
    clean({ headers: headers({ "cf-bot-score": "1", "cf-verified-bot": "true" }) }),
  );
  assert.deepEqual(result, { score: 0, detail: { pow_result: "valid" } });
});

Deno.test("scoreHit: proof-of-work verdict points", () => {
  const cases = [
    ["valid", 0],
    ["missing", 15],
    ["invalid", 25],
    ["expired", 25],
    ["replayed", 40],
  ] as const;
  for (const [verdict, points] of cases) {
    const result = scoreHit(clean({ powVerdict: verdict }));
    // Any verdict but "valid" also adds the no_proof rule's 50: never counted as a human.
    const detail = points
      ? { pow: points, pow_result: verdict, no_proof: 50 }
      : { pow_result: verdict };
    assert.deepEqual(result, { score: points ? points + 50 : 0, detail }, verdict);
  }
});

Deno.test("scoreHit: interaction time < 850 ms, 850-999 ms, >= 1000 ms and SPA", () => {
  const cases: [ms: number | null, points: number][] = [
    [0, 20],
    [849, 20],
    [850, 8],
    [999, 8],
    [1000, 0],
    [60_000, 0],
    [null, 0],
  ];
  for (const [ms, points] of cases) {
    const result = scoreHit(clean({ interactionMs: ms }));
    const detail = points ? { timing: points, pow_result: "valid" } : { pow_result: "valid" };
    assert.deepEqual(result, { score: points, detail }, `interaction ${ms}`);
  }
});

Deno.test("scoreHit: interaction time is not a signal for events", () => {
  const result = scoreHit(clean({ kind: "events", interactionMs: 10, screenGiven: false }));
  assert.deepEqual(result, { score: 0, detail: { pow_result: "valid" } });
});

Deno.test("scoreHit: suspect country, global and per site, stacking", () => {
  assert.deepEqual(scoreHit(clean({ country: "CN" })), {
    score: 30,
    detail: { geo: 30, pow_result: "valid" },
  });
  assert.deepEqual(scoreHit(clean({ country: "RU", siteSuspectCountries: ["RU"] })), {
    score: 30,
    detail: { geo_site: 30, pow_result: "valid" },
  });
  assert.deepEqual(scoreHit(clean({ country: "CN", siteSuspectCountries: ["CN"] })), {
    score: 60,
    detail: { geo: 30, geo_site: 30, pow_result: "valid" },
  });
  assert.deepEqual(
    scoreHit(clean({ country: "CN", siteSuspectCountries: ["CN"], suspectPoints: 12 })),
    { score: 24, detail: { geo: 12, geo_site: 12, pow_result: "valid" } },
  );
  assert.deepEqual(scoreHit(clean({ country: null, siteSuspectCountries: ["CN"] })), {
    score: 0,
    detail: { pow_result: "valid" },
  });
});

Deno.test("scoreHit: suspectPoints 0 disables the country signals", () => {
  const result = scoreHit(clean({ country: "CN", siteSuspectCountries: ["CN"], suspectPoints: 0 }));
  assert.deepEqual(result, { score: 0, detail: { pow_result: "valid" } });
});

Deno.test("scoreHit: burst above 15 page views per window", () => {
  assert.deepEqual(scoreHit(clean({ burstCount: 15 })), {
    score: 0,
    detail: { pow_result: "valid" },
  });
  assert.deepEqual(scoreHit(clean({ burstCount: 16 })), {
    score: 25,
    detail: { burst: 25, pow_result: "valid" },
  });
  assert.deepEqual(scoreHit(clean({ kind: "events", screenGiven: false, burstCount: 40 })), {
    score: 25,
    detail: { burst: 25, pow_result: "valid" },
  });
});

Deno.test("scoreHit: header signals — Accept-Language, and Sec-CH-UA with Sec-Fetch-Site", () => {
  assert.deepEqual(scoreHit(clean({ headers: withoutHeader("accept-language") })), {
    score: 10,
    detail: { headers: 10, pow_result: "valid" },
  });
  assert.deepEqual(scoreHit(clean({ headers: headers({ "accept-language": "" }) })), {
    score: 10,
    detail: { headers: 10, pow_result: "valid" },
  }, "an empty Accept-Language counts as missing");
  // Either header alone is enough (Firefox and Safari send Sec-Fetch-Site but no client hints).
  assert.deepEqual(scoreHit(clean({ headers: withoutHeader("sec-ch-ua") })), {
    score: 0,
    detail: { pow_result: "valid" },
  });
  assert.deepEqual(scoreHit(clean({ headers: withoutHeader("sec-fetch-site") })), {
    score: 0,
    detail: { pow_result: "valid" },
  });
  assert.deepEqual(scoreHit(clean({ headers: withoutHeader("sec-ch-ua", "sec-fetch-site") })), {
    score: 10,
    detail: { headers: 10, pow_result: "valid" },
  });
  assert.deepEqual(scoreHit(clean({ headers: new Headers() })), {
    score: 20,
    detail: { headers: 20, pow_result: "valid" },
  }, "both header signals add up under one key");
});

Deno.test("scoreHit: unrealistic screen dimensions (views that sent sw/sh only)", () => {
  const cases: [w: number | null, h: number | null, points: number][] = [
    [0, 1080, 10],
    [1920, 0, 10],
    [-1, 800, 10],
    [10_001, 1080, 10],
    [1920, 10_001, 10],
    [null, 1080, 10],
    [10_000, 10_000, 0],
    [1, 1, 0],
    [390, 844, 0],
  ];
  for (const [w, h, points] of cases) {
    const result = scoreHit(clean({ screenWidth: w, screenHeight: h }));
    const detail = points ? { screen: points, pow_result: "valid" } : { pow_result: "valid" };
    assert.deepEqual(result, { score: points, detail }, `${w}x${h}`);
  }
  assert.deepEqual(scoreHit(clean({ screenGiven: false, screenWidth: null, screenHeight: null })), {
    score: 0,
    detail: { pow_result: "valid" },
  }, "no screen sent is not a signal");
  assert.deepEqual(scoreHit(clean({ kind: "events", screenWidth: 0, screenHeight: 0 })), {
    score: 0,
    detail: { pow_result: "valid" },
  }, "events carry no screen");
});

Deno.test("scoreHit: no referrer on a deep path", () => {
  const cases: [type: string, path: string, points: number][] = [
    ["direct_or_unknown", "/a/b", 5],
    ["direct_or_unknown", "/a/b/c?x=1", 5],
    ["direct_or_unknown", "/a/b/", 5],
    ["direct_or_unknown", "/a", 0],
    ["direct_or_unknown", "/a/?x=/y/z", 0],
    ["direct_or_unknown", "/", 0],
    ["search", "/a/b", 0],
    ["social", "/a/b/c", 0],
    ["internal", "/a/b/c", 0],
  ];
  for (const [referrerType, path, points] of cases) {
    const result = scoreHit(clean({ referrerType, path }));
    const detail = points ? { referrer: points, pow_result: "valid" } : { pow_result: "valid" };
    assert.deepEqual(result, { score: points, detail }, `${referrerType} ${path}`);
  }
  assert.deepEqual(
    scoreHit(clean({ kind: "events", screenGiven: false, referrerType: "direct_or_unknown" })),
    { score: 0, detail: { pow_result: "valid" } },
    "events do not score the referrer",
  );
});

Deno.test("scoreHit: extra signals (crawler feed) add under their own names", () => {
  assert.deepEqual(scoreHit(clean({ extra: { crawler_feed: 30 } })), {
    score: 30,
    detail: { pow_result: "valid", crawler_feed: 30 },
  });
  assert.deepEqual(scoreHit(clean({ extra: { crawler_feed: 0 } })), {
    score: 0,
    detail: { pow_result: "valid" },
  });
});

Deno.test("scoreHit: the total is capped at 100 while the breakdown keeps every signal", () => {
  const result = scoreHit({
    kind: "view",
    headers: new Headers({ "cf-bot-score": "1", "cf-verified-bot": "true" }),
    behindCloudflare: true,
    powVerdict: "replayed",
    interactionMs: 100,
    interaction: null,
    country: "CN",
    suspectCountries: ["CN"],
    siteSuspectCountries: ["CN"],
    suspectPoints: 30,
    burstCount: 100,
    screenWidth: 0,
    screenHeight: 0,
    screenGiven: true,
    referrerType: "direct_or_unknown",
    path: "/deep/path",
    extra: { crawler_feed: 30 },
  });
  assert.equal(result.score, 100);
  assert.deepEqual(result.detail, {
    cf: 50,
    cf_verified: 15,
    pow: 40,
    pow_result: "replayed",
    no_proof: 50,
    no_interaction: 50,
    timing: 20,
    geo: 30,
    geo_site: 30,
    burst: 25,
    headers: 20,
    screen: 10,
    referrer: 5,
    crawler_feed: 30,
  });
});

Deno.test("scoreHit: a sum of exactly 100 is not reduced, and 95 stays 95", () => {
  // 50 (cf) + 25 (burst) + 20 (timing) + 5 (referrer) = 100.
  const hundred = scoreHit(clean({
    behindCloudflare: true,
    headers: headers({ "cf-bot-score": "2" }),
    burstCount: 16,
    interactionMs: 10,
    referrerType: "direct_or_unknown",
  }));
  assert.equal(hundred.score, 100);
  // 50 + 25 + 20 = 95: under the cap, the plain sum.
  const ninetyFive = scoreHit(clean({
    behindCloudflare: true,
    headers: headers({ "cf-bot-score": "2" }),
    burstCount: 16,
    interactionMs: 10,
  }));
  assert.deepEqual(ninetyFive, {
    score: 95,
    detail: { cf: 50, pow_result: "valid", burst: 25, timing: 20 },
  });
});
