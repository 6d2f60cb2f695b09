// Helpers for collector tests: realistic browser headers, encoded beacon URLs, fully verified
// tokens and interaction (what the real tracker sends), flushing, reading.
import { parseChallenge, solveChallenge } from "../lib/pow/mod.ts";
import { chromiumEvidence } from "./_evidence_fixture.ts";
import type { TestApp } from "./_helpers.ts";

export const CHROME_UA =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
export const SESSION = "0f8fad5b-d9cb-469f-a165-70867728950e";

export const BROWSER_HEADERS: Record<string, string> = {
  "user-agent": CHROME_UA,
  // The recorded Chromium evidence says "en": a header without it would be an env_mismatch.
  "accept-language": "en-GB,en;q=0.9",
  "sec-fetch-site": "cross-site",
  "sec-ch-ua": '"Chromium";v="120"',
  referer: "https://customer.example/",
};

export function b64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  return btoa(String.fromCharCode(...bytes));
}

/** Difficulty of the helpers' tokens: cheap to solve; the verifier accepts what a challenge says. */
const TEST_DIFFICULTY = 4;

/**
 * A valid token for `site`, as the real tracker in Chromium would send it: a fresh challenge,
 * solved with real-looking browser evidence sealed in (tests/_evidence_fixture.ts; `env`
 * overrides recorded values, e.g. `{ lang: "de" }`). `evidence: null` leaves it out.
 */
export function verifiedToken(
  t: TestApp,
  site = "shop",
  options: { evidence?: string | null; env?: Parameters<typeof chromiumEvidence>[1] } = {},
): string {
  return sealedToken(t, t.services.pow.issue(site, TEST_DIFFICULTY), options);
}

/** Solves a given challenge (e.g. one `/c` answered) with browser evidence, as verifiedToken. */
export function sealedToken(
  t: TestApp,
  challenge: string,
  options: { evidence?: string | null; env?: Parameters<typeof chromiumEvidence>[1] } = {},
): string {
  const { salt, difficulty } = parseChallenge(challenge)!;
  // The screen of beaconUrl's default `sw`/`sh` (the evidence must agree with the view), and no
  // tells: a person's Chrome is not automated (the recorded one has navigator.webdriver).
  const env = { sw: 1920, sh: 1080, aw: 1920, ah: 1050, tells: 0, ...options.env };
  const evidence = options.evidence === undefined ? chromiumEvidence(salt, env) : options.evidence;
  return solveChallenge(t.services.pow, challenge, difficulty, { evidence }).token;
}

/** The `it` of a visitor who moved the pointer and clicked (pointer + move, 12 moves, 340 px). */
export const REAL_INTERACTION = "17.12.340";

/** The /b.gif parameters that make a view fully verified: a valid token and trusted input. */
export function verifiedQuery(t: TestApp, site = "shop"): { tok: string; it: string } {
  return { tok: verifiedToken(t, site), it: REAL_INTERACTION };
}

export function beaconUrl(params: Record<string, string | null>): string {
  const base: Record<string, string | null> = {
    p: b64("/pricing"),
    s: "shop",
    sid: SESSION,
    _v: "1500",
    sw: "1920",
    sh: "1080",
  };
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...base, ...params })) if (v !== null) q.set(k, v);
  return `/b.gif?${q}`;
}

export async function hit(
  t: TestApp,
  url: string,
  headers: Record<string, string> = {},
  ip?: string,
) {
  const res = await t.request(url, { headers: { ...BROWSER_HEADERS, ...headers }, ip });
  const body = new Uint8Array(await res.arrayBuffer());
  return { res, body, drop: res.headers.get("x-echelon-drop") };
}

/** Writes the buffered views and events (synchronously: no write thread runs in tests) and the
 * counters with the sites registered by hits (through the store, asynchronously). */
export async function flush(t: TestApp): Promise<void> {
  await t.services.collect.views.flush();
  await t.services.collect.events.flush();
  await t.services.collect.flushCounters();
}

export async function views(t: TestApp): Promise<Record<string, unknown>[]> {
  await flush(t);
  return t.services.db.all("SELECT * FROM visitor_views ORDER BY id");
}

export async function events(t: TestApp): Promise<Record<string, unknown>[]> {
  await flush(t);
  return t.services.db.all("SELECT * FROM semantic_events ORDER BY id");
}

export async function drops(t: TestApp): Promise<Record<string, number>> {
  await flush(t);
  const rows = t.services.db.all<{ reason: string; endpoint: string; hits: number }>(
    "SELECT reason, endpoint, SUM(hits) AS hits FROM drop_counts GROUP BY reason, endpoint",
  );
  return Object.fromEntries(rows.map((r) => [`${r.endpoint}:${r.reason}`, r.hits]));
}

/** A /b.gif URL of a counted view: beaconUrl's defaults plus verifiedQuery's token and input. */
export function verifiedBeaconUrl(
  t: TestApp,
  params: Record<string, string | null> = {},
): string {
  const site = params.s ?? "shop";
  return beaconUrl({ ...verifiedQuery(t, site), ...params });
}
