// GET /x?<experiment id>: what the tracker fetches for `echelon.experiment(id)` without variants —
// a running experiment's variants, control first, by weight, and the bucket of the tabs outside
// its allocation; public, cacheable for a minute, open to other origins; [] otherwise.
// And the snippet the admin shows: inline weights at 100 %, the fetching form below it.
import assert from "node:assert/strict";
import { changeStatus, createExperiment, findExperiment } from "../lib/experiments/mod.ts";
import { experimentSnippet } from "../lib/experiments/snippet.ts";
import { createTestApp, TEST_SECRET, type TestApp } from "./_helpers.ts";

async function define(t: TestApp, id: string, allocation: number, status: string[]) {
  await createExperiment(t.services.store, {
    experiment_id: id,
    name: id,
    site_id: "shop",
    metric: "signup",
    allocation_percent: allocation,
    variants: [
      { variant_id: "green", weight: 30 },
      { variant_id: "base", weight: 10, is_control: true },
      { variant_id: "blue", weight: 20 },
    ],
  }, t.clock.now);
  for (const to of status) {
    await changeStatus(t.services.store, { id, to: to as "active", now: t.clock.now });
  }
}

Deno.test("GET /x: running experiments' buckets, cacheable and cross-origin; [] otherwise", async () => {
  const t = await createTestApp({ ECHELON_SECRET: TEST_SECRET });
  await define(t, "full", 100, ["active"]);
  await define(t, "part", 25, ["active", "paused"]);
  await define(t, "draft", 100, []);
  await define(t, "done", 100, ["active", "completed"]);
  const get = async (query: string) => {
    const res = await t.request(`/x?${query}`, { headers: { origin: "https://shop.example" } });
    return { res, body: await res.json() };
  };
  const full = await get("full");
  assert.equal(full.res.status, 200);
  assert.deepEqual(full.body, [
    { id: "base", weight: 10 },
    { id: "green", weight: 30 },
    { id: "blue", weight: 20 },
  ]);
  assert.equal(full.res.headers.get("cache-control"), "public, max-age=60");
  assert.equal(full.res.headers.get("access-control-allow-origin"), "https://shop.example");
  // 25 %: the enrolled weigh 60, so the rest weighs 180 (3 : 1).
  const part = await get("part");
  assert.equal(part.res.status, 200, "paused: the tracker keeps assigning");
  assert.deepEqual(part.body.at(-1), { id: "", weight: 180 });
  for (const query of ["draft", "done", "missing", "", "a%20b", "x".repeat(200)]) {
    const answer = await get(query);
    assert.equal(answer.res.status, 200, query);
    assert.deepEqual(answer.body, [], query);
  }
});

Deno.test("snippet: inline weights at 100 %, the fetching form below it, goals need nothing", async () => {
  const t = await createTestApp({ ECHELON_SECRET: TEST_SECRET });
  await define(t, "full", 100, []);
  await define(t, "part", 25, []);
  const full = experimentSnippet(
    "https://a.example",
    (await findExperiment(t.services.store, "full"))!,
  );
  assert.match(full, /experiment\("full", \[/);
  assert.match(full, /\{ id: "green", weight: 30 \}/);
  const part = experimentSnippet(
    "https://a.example",
    (await findExperiment(t.services.store, "part"))!,
  );
  assert.match(part, /await \(window\.echelon\?\.experiment\("part"\) \?\? "base"\)/);
  assert.match(part, /enrols 25% of tab sessions/);
  const goal = experimentSnippet("https://a.example", {
    ...(await findExperiment(t.services.store, "full"))!,
    metric: "goal:3",
    metric_kind: "goal",
    metric_goal_id: 3,
  });
  assert.match(goal, /goal #3/);
  assert.doesNotMatch(goal, /track\(/);
});
