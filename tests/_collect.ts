// Helpers for collector tests: realistic browser headers, encoded beacon URLs, flushing, reading.
import { solveChallenge } from "../lib/pow/mod.ts";
import type { TestApp } from "./_helpers.ts";

export const CHROME_UA =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
export const SESSION = "0f8fad5b-d9cb-469f-a165-70867728950e";

export const BROWSER_HEADERS: Record<string, string> = {
  "user-agent": CHROME_UA,
  "accept-language": "en-GB,en;q=0.9",
  "sec-fetch-site": "cross-site",
  "sec-ch-ua": '"Chromium";v="120"',
  referer: "https://customer.example/",
};

export function b64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  return btoa(String.fromCharCode(...bytes));
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

export function flush(t: TestApp): void {
  t.services.collect.views.flush();
  t.services.collect.events.flush();
  t.services.collect.flushCounters();
}

export function views(t: TestApp): Record<string, unknown>[] {
  flush(t);
  return t.services.db.all("SELECT * FROM visitor_views ORDER BY id");
}

export function events(t: TestApp): Record<string, unknown>[] {
  flush(t);
  return t.services.db.all("SELECT * FROM semantic_events ORDER BY id");
}

export function drops(t: TestApp): Record<string, number> {
  flush(t);
  const rows = t.services.db.all<{ reason: string; endpoint: string; hits: number }>(
    "SELECT reason, endpoint, SUM(hits) AS hits FROM drop_counts GROUP BY reason, endpoint",
  );
  return Object.fromEntries(rows.map((r) => [`${r.endpoint}:${r.reason}`, r.hits]));
}

/** A trusted-input summary that passes the no_interaction rule: pointer press and 12 moves. */
export const REAL_INTERACTION = "17.12.340";

/**
 * What a real browser's tracker adds to a hit to be counted: a valid proof-of-work token for
 * the site (`tok`, for /b.gif and the body of POST /e) and its trusted-input summary (`it`).
 * Every test that needs a counted (verified) hit gets them here, in one place.
 */
export function verifiedQuery(t: TestApp, site = "shop"): { tok: string; it: string } {
  const difficulty = 4;
  const challenge = t.services.pow.issue(site, difficulty);
  return { tok: solveChallenge(t.services.pow, challenge, difficulty).token, it: REAL_INTERACTION };
}

/** A /b.gif URL of a counted view: beaconUrl's defaults plus verifiedQuery's token and input. */
export function verifiedBeaconUrl(
  t: TestApp,
  params: Record<string, string | null> = {},
): string {
  const site = params.s ?? "shop";
  return beaconUrl({ ...verifiedQuery(t, site), ...params });
}
