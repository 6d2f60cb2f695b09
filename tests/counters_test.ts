// Tests for lib/ingest/counters.ts: increments aggregate per key, totals per first key part,
// distinct keys are bounded by folding into "(other)", and a failed flush keeps the deltas.
import assert from "node:assert/strict";
import type { CounterDelta } from "../lib/db/collect.ts";
import { CounterTable } from "../lib/ingest/counters.ts";

const DAY = "2026-11-20";

/** Flushes into an array, sorted so the assertions do not depend on Map order. */
async function flushed(table: CounterTable): Promise<CounterDelta[]> {
  const out: CounterDelta[] = [];
  await table.flush((deltas) => void out.push(...deltas.map((d) => ({ ...d }))));
  return out.sort((x, y) =>
    `${x.date}${x.siteId}${x.a}${x.b}`.localeCompare(`${y.date}${y.siteId}${y.a}${y.b}`)
  );
}

Deno.test("counters: increments aggregate per (date, site, a, b)", async () => {
  const table = new CounterTable();
  table.add(DAY, "blog", "dnt", "b.gif");
  table.add(DAY, "blog", "dnt", "b.gif");
  table.add(DAY, "blog", "dnt", "e", 3);
  table.add(DAY, "shop", "dnt", "b.gif");
  table.add("2026-11-21", "blog", "dnt", "b.gif");
  assert.equal(table.pendingKeys, 4);
  assert.deepEqual(await flushed(table), [
    { date: DAY, siteId: "blog", a: "dnt", b: "b.gif", hits: 2 },
    { date: DAY, siteId: "blog", a: "dnt", b: "e", hits: 3 },
    { date: DAY, siteId: "shop", a: "dnt", b: "b.gif", hits: 1 },
    { date: "2026-11-21", siteId: "blog", a: "dnt", b: "b.gif", hits: 1 },
  ]);
});

Deno.test("counters: totals are per first key part and survive flushes", async () => {
  const table = new CounterTable();
  table.add(DAY, "blog", "known_bot", "b.gif", 2);
  table.add(DAY, "shop", "known_bot", "e");
  table.add(DAY, "blog", "rate_limited", "e", 5);
  assert.deepEqual(table.totals(), { known_bot: 3, rate_limited: 5 });
  await table.flush(() => {});
  table.add(DAY, "blog", "rate_limited", "e");
  assert.deepEqual(table.totals(), { known_bot: 3, rate_limited: 6 }, "totals since start");
});

Deno.test("counters: beyond maxKeys, new keys fold into (other) and none are lost", async () => {
  const table = new CounterTable(2);
  table.add(DAY, "blog", "Googlebot", "/a");
  table.add(DAY, "blog", "Googlebot", "/b");
  table.add(DAY, "blog", "Googlebot", "/c", 2); // no room: folded
  table.add(DAY, "blog", "Googlebot", "/d", 3); // folded into the same bucket
  table.add(DAY, "blog", "Googlebot", "/a"); // existing keys still count
  assert.deepEqual(await flushed(table), [
    { date: DAY, siteId: "blog", a: "Googlebot", b: "(other)", hits: 5 },
    { date: DAY, siteId: "blog", a: "Googlebot", b: "/a", hits: 2 },
    { date: DAY, siteId: "blog", a: "Googlebot", b: "/b", hits: 1 },
  ]);
  assert.deepEqual(table.totals(), { Googlebot: 8 }, "folded hits still count in totals");
});

Deno.test("counters: the (other) bucket is per date, site and first key part", async () => {
  const table = new CounterTable(1);
  table.add(DAY, "blog", "Googlebot", "/a");
  table.add(DAY, "blog", "Googlebot", "/b");
  table.add(DAY, "shop", "Bingbot", "/c");
  const other = (await flushed(table)).filter((d) => d.b === "(other)");
  assert.deepEqual(other, [
    { date: DAY, siteId: "blog", a: "Googlebot", b: "(other)", hits: 1 },
    { date: DAY, siteId: "shop", a: "Bingbot", b: "(other)", hits: 1 },
  ]);
});

Deno.test("counters: a flush hands every pending delta once, then forgets them", async () => {
  const table = new CounterTable();
  table.add(DAY, "blog", "dnt", "b.gif", 4);
  let calls = 0;
  assert.equal(await table.flush(() => void calls++), 1);
  assert.equal(table.pendingKeys, 0);
  assert.equal(await table.flush(() => void calls++), 0, "nothing pending: write is not called");
  assert.equal(calls, 1);
});

Deno.test("counters: a failed flush keeps the pending deltas for the next one", async () => {
  const table = new CounterTable();
  table.add(DAY, "blog", "dnt", "b.gif", 2);
  await assert.rejects(
    () =>
      table.flush(() => {
        throw new Error("database is locked");
      }),
    /database is locked/,
  );
  assert.equal(table.pendingKeys, 1);
  table.add(DAY, "blog", "dnt", "b.gif"); // keeps adding to the kept delta
  table.add(DAY, "blog", "site_ignored", "e");
  assert.deepEqual(await flushed(table), [
    { date: DAY, siteId: "blog", a: "dnt", b: "b.gif", hits: 3 },
    { date: DAY, siteId: "blog", a: "site_ignored", b: "e", hits: 1 },
  ]);
  assert.equal(table.pendingKeys, 0);
});
