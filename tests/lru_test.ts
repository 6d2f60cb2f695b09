// Tests for lib/lru.ts: bounded size, recency on get and set, and eviction order.

import assert from "node:assert/strict";
import { LruCache } from "../lib/lru.ts";

Deno.test("LruCache evicts the least recently used entry when full", () => {
  const cache = new LruCache<string, number>(2);
  cache.set("a", 1).set("b", 2).set("c", 3);
  assert.equal(cache.size, 2);
  assert.equal(cache.get("a"), undefined);
  assert.equal(cache.get("b"), 2);
  assert.equal(cache.get("c"), 3);
});

Deno.test("LruCache.get refreshes recency", () => {
  const cache = new LruCache<string, number>(2);
  cache.set("a", 1).set("b", 2);
  assert.equal(cache.get("a"), 1); // "b" is now the oldest
  cache.set("c", 3);
  assert.equal(cache.has("a"), true);
  assert.equal(cache.has("b"), false);
  assert.equal(cache.has("c"), true);
});

Deno.test("LruCache.set on an existing key updates in place without evicting", () => {
  const cache = new LruCache<string, number>(2);
  cache.set("a", 1).set("b", 2).set("a", 10);
  assert.equal(cache.size, 2);
  cache.set("c", 3); // "b" is the oldest after "a" was rewritten
  assert.equal(cache.get("a"), 10);
  assert.equal(cache.get("b"), undefined);
});

Deno.test("LruCache stores null values distinctly from misses", () => {
  const cache = new LruCache<string, string | null>(3);
  cache.set("human", null);
  assert.equal(cache.get("human"), null);
  assert.equal(cache.get("unknown"), undefined);
});

Deno.test("LruCache delete and clear", () => {
  const cache = new LruCache<number, string>(3);
  cache.set(1, "x").set(2, "y");
  assert.equal(cache.delete(1), true);
  assert.equal(cache.delete(1), false);
  assert.equal(cache.size, 1);
  cache.clear();
  assert.equal(cache.size, 0);
});

Deno.test("LruCache stays bounded under many inserts", () => {
  const cache = new LruCache<number, number>(100);
  for (let i = 0; i < 10_000; i++) cache.set(i, i);
  assert.equal(cache.size, 100);
  assert.equal(cache.get(9_899), undefined);
  assert.equal(cache.get(9_900), 9_900);
  assert.equal(cache.get(9_999), 9_999);
});

Deno.test("LruCache rejects a non-positive or fractional size", () => {
  for (const bad of [0, -1, 1.5, Number.NaN]) {
    assert.throws(() => new LruCache(bad), RangeError);
  }
});

Deno.test("LruCache keeps exactly the newest entries through a long stream of misses", () => {
  const cache = new LruCache<string, number>(1000);
  for (let i = 0; i < 50_000; i++) {
    if (cache.get(`k${i}`) === undefined) cache.set(`k${i}`, i);
    if (i % 10 === 0) cache.get("k0"); // kept alive by use
  }
  assert.equal(cache.size, 1000);
  assert.equal(cache.get("k0"), 0);
  assert.equal(cache.get("k49999"), 49999);
  assert.equal(cache.get("k49001"), 49001);
  assert.equal(cache.get("k49000"), undefined, "the oldest unused entry went first");
});
