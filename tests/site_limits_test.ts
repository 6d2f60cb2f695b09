// Bounded site registration (issue 13, item 4): hits register new sites only up to
// ECHELON_MAX_SITES and ECHELON_NEW_SITES_PER_HOUR; past either, hits for unknown sites
// are dropped and counted (site_limit, site_rate_limit) while registered sites keep working; the
// limits hold across a restart and for two instances sharing one database; an admin's sites are
// not limited; and counters keep at most UNREGISTERED_SITES_PER_DAY made-up site ids a day.
import assert from "node:assert/strict";
import { AUTH_ENV } from "./_auth.ts";
import { b64, BROWSER_HEADERS, drops, flush, hit } from "./_collect.ts";
import { createTestApp, TEST_SECRET, type TestApp } from "./_helpers.ts";
import { UNREGISTERED_SITES_PER_DAY } from "../lib/ingest/unregistered_sites.ts";

const SECRET = TEST_SECRET;

/** A page view of `site` (a fresh path each time, so nothing is deduplicated). */
function beacon(site: string, path = "/") {
  return `/b.gif?${new URLSearchParams({ s: site, p: b64(path), _v: "1500" })}`;
}

function registry(t: TestApp): { site_id: string; source: string }[] {
  return t.services.db.all<{ site_id: string; source: string }>(
    "SELECT site_id, source FROM sites ORDER BY site_id",
  ).map((r) => ({ ...r }));
}

async function viewsPerSite(t: TestApp): Promise<Record<string, number>> {
  await flush(t);
  const rows = t.services.db.all<{ site_id: string; n: number }>(
    "SELECT site_id, COUNT(*) AS n FROM visitor_views GROUP BY site_id ORDER BY site_id",
  );
  return Object.fromEntries(rows.map((r) => [r.site_id, r.n]));
}

async function send(t: TestApp, sites: string[], ip = "198.51.100.9") {
  const reasons: (string | null)[] = [];
  for (const site of sites) reasons.push((await hit(t, beacon(site), {}, ip)).drop);
  return reasons;
}

const ids = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(3, "0")}`);

Deno.test("site limit: hits register at most ECHELON_MAX_SITES sites; the rest are dropped and counted", async () => {
  const t = await createTestApp({
    ECHELON_MAX_SITES: "5",
    ECHELON_DEBUG: "true",
    ECHELON_RATE_LIMIT_MAX: "0",
  });
  const reasons = await send(t, ids("s", 8));
  assert.deepEqual(reasons, [
    null,
    null,
    null,
    null,
    null,
    "site_limit",
    "site_limit",
    "site_limit",
  ]);
  await flush(t);
  assert.deepEqual(registry(t).map((s) => s.site_id), ids("s", 5));
  // Registered sites keep working, new ones are refused, also after a flush and a refresh.
  await t.services.collect.caches.refresh(t.services.store, t.clock.now);
  assert.deepEqual(await send(t, ["s-000", "s-004", "s-100"]), [null, null, "site_limit"]);
  assert.deepEqual(await viewsPerSite(t), {
    "s-000": 2,
    "s-001": 1,
    "s-002": 1,
    "s-003": 1,
    "s-004": 2,
  });
  assert.deepEqual(await drops(t), { "b.gif:site_limit": 4 });

  // The events collector shares the rule.
  const res = await t.request("/e", {
    method: "POST",
    headers: { ...BROWSER_HEADERS, "content-type": "text/plain" },
    body: JSON.stringify({ siteId: "s-200", events: [{ type: "click", data: {} }] }),
  });
  await res.body?.cancel();
  assert.equal(res.headers.get("x-echelon-drop"), "site_limit");
  assert.equal((await drops(t))["e:site_limit"], 1);
  assert.equal(registry(t).length, 5);
  await t.services.collect.stop(Date.now() + 1000);
});

Deno.test("site limit: at most ECHELON_NEW_SITES_PER_HOUR new sites per rolling hour", async () => {
  const t = await createTestApp({
    ECHELON_NEW_SITES_PER_HOUR: "3",
    ECHELON_DEBUG: "true",
    ECHELON_RATE_LIMIT_MAX: "0",
  });
  assert.deepEqual(await send(t, ids("r", 5)), [
    null,
    null,
    null,
    "site_rate_limit",
    "site_rate_limit",
  ]);
  await flush(t);
  t.clock.now += 30 * 60_000;
  assert.deepEqual(await send(t, ["r-003", "r-000"]), ["site_rate_limit", null]);
  // An hour after the first registrations, there is room again (and the refresh agrees).
  t.clock.now += 30 * 60_000 + 1;
  await t.services.collect.caches.refresh(t.services.store, t.clock.now);
  assert.deepEqual(await send(t, ids("r", 5)), [null, null, null, null, null]);
  assert.deepEqual(await send(t, ["r-777"]), [null]);
  assert.deepEqual(await send(t, ["r-888"]), ["site_rate_limit"]);
  await flush(t);
  assert.deepEqual(registry(t).map((s) => s.site_id), [...ids("r", 5), "r-777"]);
  assert.deepEqual(await drops(t), { "b.gif:site_rate_limit": 4 });
  await t.services.collect.stop(Date.now() + 1000);
});

Deno.test("site limit: held in the database across a restart and for two instances sharing it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "echelon-sites-" });
  const env = {
    ECHELON_DB_PATH: `${dir}/echelon.db`,
    ECHELON_MAX_SITES: "3",
    ECHELON_DEBUG: "true",
    ECHELON_RATE_LIMIT_MAX: "0",
  };
  try {
    // Both instances start on the empty registry, so each thinks there is room for three.
    const a = await createTestApp(env);
    const b = await createTestApp(env);
    assert.deepEqual(await send(a, ["a-1", "a-2"]), [null, null]);
    await flush(a);
    assert.deepEqual(await send(b, ["b-1", "b-2"]), [null, null]);
    // b's registrations are re-checked in the database: only one fits.
    await flush(b);
    assert.deepEqual(registry(a).map((s) => s.site_id), ["a-1", "a-2", "b-1"]);
    // b forgot the refused site and now knows the registry is full; so does a after its refresh.
    assert.deepEqual(await send(b, ["b-2", "b-3", "a-1"]), ["site_limit", "site_limit", null]);
    await a.services.collect.caches.refresh(a.services.store, a.clock.now);
    assert.deepEqual(await send(a, ["a-3", "b-1"]), ["site_limit", null]);
    await a.services.collect.stop(Date.now() + 1000);
    await b.services.collect.stop(Date.now() + 1000);
    a.services.db.close();
    b.services.db.close();

    // A restart reads the registry: still full.
    const c = await createTestApp(env);
    assert.deepEqual(await send(c, ["c-1", "a-2"]), ["site_limit", null]);
    await flush(c);
    assert.equal(registry(c).length, 3);
    await c.services.collect.stop(Date.now() + 1000);
    c.services.db.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("site limit: the admin adds sites past the limit; allowlisted sites register regardless", async () => {
  const t = await createTestApp({
    ...AUTH_ENV,
    ECHELON_SECRET: SECRET,
    ECHELON_MAX_SITES: "1",
    ECHELON_DEBUG: "true",
  });
  assert.deepEqual(await send(t, ["first", "second"]), [null, "site_limit"]);
  await flush(t);
  const res = await t.request("/api/sites", {
    method: "POST",
    headers: { authorization: `Bearer ${SECRET}`, "content-type": "application/json" },
    body: JSON.stringify({ site_id: "second" }),
  });
  assert.equal(res.status, 201, await res.text());
  assert.deepEqual(await send(t, ["second", "third"]), [null, "site_limit"]);
  assert.deepEqual(registry(t), [
    { site_id: "first", source: "auto" },
    { site_id: "second", source: "admin" },
  ]);
  await t.services.collect.stop(Date.now() + 1000);

  const listed = await createTestApp({
    ECHELON_ALLOWED_SITES: "a1,a2",
    ECHELON_MAX_SITES: "1",
    ECHELON_DEBUG: "true",
  });
  assert.deepEqual(await send(listed, ["a1", "a2", "other"]), [null, null, "site_not_allowed"]);
  await flush(listed);
  assert.deepEqual(registry(listed).map((s) => s.site_id), ["a1", "a2"]);
  await listed.services.collect.stop(Date.now() + 1000);
});

Deno.test("site limit: 0 registers nothing; counters keep a bounded number of made-up site ids a day", async () => {
  const dir = await Deno.makeTempDir({ prefix: "echelon-sites-" });
  const env = {
    ECHELON_DB_PATH: `${dir}/echelon.db`,
    ECHELON_MAX_SITES: "0",
    ECHELON_RATE_LIMIT_MAX: "0",
  };
  try {
    const t = await createTestApp(env);
    const flood = ids("x", UNREGISTERED_SITES_PER_DAY + 50);
    for (const site of flood) {
      await hit(t, beacon(site));
      // Known bots are counted per site and path before the site rules: bounded the same way.
      await hit(t, beacon(site, `/bot/${site}`), { "user-agent": "Googlebot/2.1" });
    }
    await flush(t);
    assert.deepEqual(registry(t), []);
    assert.deepEqual(await viewsPerSite(t), {});
    const counted = (db: TestApp["services"]["db"], table: string, where = "") =>
      db.all<{ site_id: string; hits: number }>(
        `SELECT site_id, SUM(hits) AS hits FROM ${table} ${where} GROUP BY site_id ORDER BY site_id`,
      );
    for (
      const [table, where] of [["drop_counts", "WHERE reason = 'site_limit'"], ["bot_traffic"]]
    ) {
      const rows = counted(t.services.db, table, where);
      // Every hit is counted; the first ids of the day keep their own rows, the rest share one.
      assert.equal(rows.reduce((sum, r) => sum + r.hits, 0), flood.length, table);
      assert.equal(rows.length, UNREGISTERED_SITES_PER_DAY + 1, table);
      assert.equal(rows.find((r) => r.site_id === "(unregistered)")?.hits, 50, table);
    }
    await t.services.collect.stop(Date.now() + 1000);
    t.services.db.close();

    // A restart reads the day's counters: the bound does not start over.
    const again = await createTestApp(env);
    await hit(again, beacon("y-new"));
    await flush(again);
    const rows = counted(again.services.db, "drop_counts");
    assert.equal(rows.length, UNREGISTERED_SITES_PER_DAY + 1, "no row of its own for y-new");
    assert.equal(rows.find((r) => r.site_id === "(unregistered)")!.hits, 50 + 50 + 1);
    await again.services.collect.stop(Date.now() + 1000);
    again.services.db.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
