// Hosting networks (issue 14 item 4): a client whose IP (here from X-Forwarded-For behind a
// trusted proxy) is on a listed cloud/VPS network gets challenges 4 bits harder from /c and
// /ea.js?s=, and its hits are stored with the `hosting` signal; a valid token solved at the
// residential difficulty but spent from a data centre adds `hosting_low_work` and is never
// counted as human. A residential-looking address keeps the normal work and no signal.
import assert from "node:assert/strict";
import { BOT_SCORE_THRESHOLD } from "../lib/db/columns.ts";
import { parseChallenge } from "../lib/pow/mod.ts";
import type { ChallengeResponse } from "../tracker/inject.ts";
import {
  beaconUrl,
  BROWSER_HEADERS,
  events,
  hit,
  REAL_INTERACTION,
  sealedToken,
  views,
} from "./_collect.ts";
import { createTestApp, type TestApp } from "./_helpers.ts";

const PROXY = "203.0.113.7";
/** Hetzner Online (AS24940) and DigitalOcean (AS14061), both on the bundled list. */
const HETZNER = "5.9.1.1";
const DIGITALOCEAN_V6 = "2a03:b0c0:3:d0::1";
/** A consumer ISP's address (not on the list). */
const RESIDENTIAL = "24.48.0.1";
const ENV = {
  ECHELON_TRUST_PROXY: "203.0.113.0/24",
  ECHELON_POW_DIFFICULTY: "4",
  ECHELON_HOSTING_POW_BITS: "4",
  ECHELON_DEBUG: "true",
};

function via(client: string, headers: Record<string, string> = {}) {
  return { ...BROWSER_HEADERS, "x-forwarded-for": client, ...headers };
}

async function challenge(t: TestApp, client: string): Promise<ChallengeResponse> {
  const res = await t.request("/c?s=shop", { headers: via(client), ip: PROXY });
  assert.equal(res.status, 200);
  return await res.json();
}

async function view(t: TestApp, client: string, token: string | null, path: string) {
  const url = beaconUrl({ p: btoa(path), tok: token, it: REAL_INTERACTION });
  const { res, drop } = await hit(t, url, { "x-forwarded-for": client }, PROXY);
  assert.equal(res.status, 200);
  assert.equal(drop, null);
}

async function stored(t: TestApp) {
  return Object.fromEntries(
    (await views(t)).map((row) => [row.path as string, {
      score: row.bot_score as number,
      detail: JSON.parse(String(row.bot_score_detail)) as Record<string, unknown>,
    }]),
  );
}

Deno.test("hosting: /c raises the difficulty for a hosting client only", async () => {
  const t = await createTestApp(ENV);
  assert.equal((await challenge(t, RESIDENTIAL)).difficulty, 4);
  for (const client of [HETZNER, DIGITALOCEAN_V6]) {
    const body = await challenge(t, client);
    assert.equal(body.difficulty, 8, client);
    assert.equal(parseChallenge(body.challenge)?.difficulty, 8, "the signed challenge says so");
  }
  // Without a trusted proxy X-Forwarded-For is the client's own claim: the peer decides.
  const direct = await t.request("/c?s=shop", { headers: via(HETZNER), ip: RESIDENTIAL });
  assert.equal((await direct.json() as ChallengeResponse).difficulty, 4);
});

Deno.test("hosting: /ea.js?s= embeds the harder challenge for a hosting client", async () => {
  const t = await createTestApp(ENV);
  const embedded = async (client: string) => {
    const res = await t.request("/ea.js?s=shop", { headers: via(client), ip: PROXY });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("cache-control"), "no-store");
    const found = /"(1:shop:[^"]+)"/.exec(await res.text());
    assert.ok(found, "the script embeds a challenge");
    return parseChallenge(found[1])?.difficulty;
  };
  assert.equal(await embedded(RESIDENTIAL), 4);
  assert.equal(await embedded(HETZNER), 8);
  assert.equal(await embedded(RESIDENTIAL), 4, "the cached script does not leak the other class");
});

Deno.test("hosting: stored signals and scores, with and without the hosting work", async () => {
  const t = await createTestApp(ENV);
  const solve = (body: ChallengeResponse) => sealedToken(t, body.challenge);
  await view(t, RESIDENTIAL, solve(await challenge(t, RESIDENTIAL)), "/home");
  await view(t, HETZNER, solve(await challenge(t, HETZNER)), "/cloud");
  // Challenge fetched from a residential address, token spent from the data centre.
  await view(t, HETZNER, solve(await challenge(t, RESIDENTIAL)), "/relayed");
  const rows = await stored(t);
  const home = rows["/home"];
  assert.equal(home.detail.hosting, undefined);
  assert.equal(home.detail.pow_result, "valid");
  assert.ok(home.score < BOT_SCORE_THRESHOLD, JSON.stringify(home));

  const cloud = rows["/cloud"];
  assert.equal(cloud.detail.hosting, 15);
  assert.equal(cloud.detail.hosting_low_work, undefined, "it did the hosting work");
  assert.equal(cloud.score, home.score + 15);
  assert.ok(cloud.score < BOT_SCORE_THRESHOLD, "hosting alone never excludes a person");

  const relayed = rows["/relayed"];
  assert.equal(relayed.detail.pow_result, "valid");
  assert.equal(relayed.detail.hosting, 15);
  assert.equal(relayed.detail.hosting_low_work, 35);
  assert.equal(relayed.score, home.score + 50);
  assert.ok(relayed.score >= BOT_SCORE_THRESHOLD, "never counted as human");
});

Deno.test("hosting: events from a hosting network carry the signal", async () => {
  const t = await createTestApp(ENV);
  for (const client of [HETZNER, RESIDENTIAL]) {
    const res = await t.request("/e", {
      method: "POST",
      headers: { ...via(client), "content-type": "application/json" },
      body: JSON.stringify({
        siteId: "shop",
        events: [{ type: "custom", data: { name: client, path: "/x" } }],
      }),
      ip: PROXY,
    });
    assert.ok(res.status < 300, String(res.status));
    await res.body?.cancel();
  }
  const detail = Object.fromEntries(
    (await events(t)).map((row) => [row.event_name, JSON.parse(String(row.bot_score_detail))]),
  );
  assert.equal(detail[HETZNER].hosting, 15);
  assert.equal(detail[RESIDENTIAL].hosting, undefined);
});

Deno.test("hosting: ECHELON_HOSTING_ASNS removes and adds networks", async () => {
  // AS24940 (Hetzner) removed; AS7018 (AT&T, not a host) added for the test's sake.
  const t = await createTestApp({ ...ENV, ECHELON_HOSTING_ASNS: "-AS24940, AS7018" });
  assert.equal((await challenge(t, HETZNER)).difficulty, 4);
  assert.equal((await challenge(t, "12.0.0.1")).difficulty, 8);
  await view(t, HETZNER, null, "/hetzner");
  await view(t, "12.0.0.1", null, "/att");
  const rows = await stored(t);
  assert.equal(rows["/hetzner"].detail.hosting, undefined);
  assert.equal(rows["/att"].detail.hosting, 15);
});

Deno.test("hosting: ECHELON_HOSTING_POW_BITS=0 keeps the difficulty and the signal", async () => {
  const t = await createTestApp({ ...ENV, ECHELON_HOSTING_POW_BITS: "0" });
  const body = await challenge(t, HETZNER);
  assert.equal(body.difficulty, 4);
  await view(t, HETZNER, sealedToken(t, body.challenge), "/p");
  const row = (await stored(t))["/p"];
  assert.equal(row.detail.hosting, 15);
  assert.equal(row.detail.hosting_low_work, undefined);
});
