// GET /api/stats/overview and /api/export/overview.csv with the query engine's parameters
// (`filters` in POST /api/v2/query's syntax, saved segments, `bots`, `bot_threshold`) on the
// fixture of tests/_stats_fixture.ts: the same answer as the overview's own filters, bots counted
// alone, bad values refused naming the field, and unfiltered requests still on the rollups.
import assert from "node:assert/strict";
import { refreshRollups } from "../lib/stats/mod.ts";
import { registerSite } from "./_admin.ts";
import { createTestApp, type TestApp } from "./_helpers.ts";
import { AUTH, D1, D2, getJson, insertFixture, SECRET, SITE } from "./_stats_fixture.ts";

async function fixtureApp(): Promise<TestApp> {
  const t = await createTestApp({ ECHELON_SECRET: SECRET });
  insertFixture(t);
  registerSite(t, SITE, "Shop");
  await refreshRollups(t.services);
  return t;
}

const overview = (t: TestApp, query: string, status = 200) =>
  getJson(t, `/api/stats/overview?site_id=${SITE}&days=2&${query}`, status);
const filters = (value: unknown) => `filters=${encodeURIComponent(JSON.stringify(value))}`;

/** The answer without the echo of the overview's own filters and the path that computed it (the
 * own filters are answered from the raw rows, lib/stats/overview_read.ts), which differ by design. */
const figures = ({ filters: _, source: __, ...rest }: Record<string, unknown>) => rest;

Deno.test("overview: engine filters answer as the overview's own filters", async () => {
  const t = await fixtureApp();
  const own = await overview(t, "country=fi&device=desktop");
  const engine = await overview(
    t,
    filters([["is", "visit:country", ["FI"]], ["is", "visit:device", ["desktop"]]]),
  );
  assert.equal(engine.source.kind, "engine");
  assert.equal(own.source.kind, "raw");
  assert.ok(engine.visits > 0 && engine.visits < (await overview(t, "")).visits);
  assert.deepEqual(figures(engine), figures(own));
  assert.deepEqual(engine.filters, {});
  // ANDed with the named filters.
  const both = await overview(t, `path=/&${filters([["is", "visit:country", ["FI"]]])}`);
  assert.deepEqual(both.top_paths.map((r: { path: string }) => r.path), ["/"]);
  assert.ok(both.countries.every((r: { country_code: string }) => r.country_code === "FI"));
  // Operators the named filters do not have: not, or, contains_not.
  const notFinland = await overview(t, filters([["not", ["is", "visit:country", ["FI"]]]]));
  const all = await overview(t, "");
  const fi = await overview(t, "country=fi");
  assert.equal(notFinland.visits, all.visits - fi.visits);
  // Figures only the rollup path computes follow a filter it can apply, and are named otherwise.
  assert.equal(engine.source.unfiltered, undefined);
  assert.ok(notFinland.source.unfiltered.includes("custom_events"));
  assert.deepEqual(notFinland.custom_events, all.custom_events);
});

Deno.test("overview: a saved segment in filters is its filters", async () => {
  const t = await fixtureApp();
  const res = await t.request("/api/segments", {
    method: "POST",
    headers: { ...AUTH, "content-type": "application/json" },
    body: JSON.stringify({
      site_id: SITE,
      name: "Finnish desktop",
      filters: [["is", "visit:country", ["FI"]], ["is", "visit:device", ["desktop"]]],
    }),
  });
  assert.equal(res.status, 201);
  const id = (await res.json()).created;
  const segment = await overview(t, filters([["is", "segment", [id]]]));
  assert.deepEqual(figures(segment), figures(await overview(t, "country=fi&device=desktop")));
  const unknown = await overview(t, filters([["is", "segment", [id + 1]]]), 400);
  assert.equal(unknown.error, "invalid_param");
  assert.match(unknown.message, /^filters\[0\]\[2\]\[0\]: no segment/);
});

Deno.test("overview: bots=only counts the bot views alone, bot_threshold moves the line", async () => {
  const t = await fixtureApp();
  // The fixture's bot (score 80) viewed "/" and "/pricing" on the 19th.
  const bots = await overview(t, "bots=only");
  assert.equal(bots.source.kind, "engine");
  assert.deepEqual([bots.visits, bots.unique_visitors, bots.sessions], [2, 1, 1]);
  assert.deepEqual(bots.top_paths, [
    { path: "/", views: 1, visitors: 1 },
    { path: "/pricing", views: 1, visitors: 1 },
  ]);
  assert.ok(bots.source.unfiltered.includes("web_vitals"));
  const humans = await overview(t, "bots=hide");
  const everyone = await overview(t, "bots=show");
  assert.equal(everyone.visits, humans.visits + bots.visits);
  // The raw exports' names say the same.
  assert.deepEqual((await overview(t, "bots=bots")).top_paths, bots.top_paths);
  assert.equal((await overview(t, "bots=all")).visits, everyone.visits);
  // At a threshold above the bot's score it counts as a person.
  const lenient = await overview(t, "bot_threshold=90");
  assert.equal(lenient.visits, humans.visits + 2);
});

Deno.test("overview: unfiltered stays on the rollups, default engine values too", async () => {
  const t = await fixtureApp();
  assert.equal((await overview(t, "")).source.kind, "rollup");
  assert.equal((await overview(t, "bots=hide&bot_threshold=50&filters=[]")).source.kind, "rollup");
});

Deno.test("overview: bad engine parameters are a 400 naming the field", async () => {
  const t = await fixtureApp();
  const cases: [string, RegExp][] = [
    ["filters=nope", /^filters: "nope" is not JSON/],
    [filters({ is: 1 }), /^filters: expected a JSON array/],
    [
      filters([["is", "visit:planet", ["x"]]]),
      /^filters\[0\]\[1\]: "visit:planet" is not a dimension/,
    ],
    [
      filters([["equals", "visit:country", ["FI"]]]),
      /^filters\[0\]\[0\]: "equals" is not an operator/,
    ],
    [filters([["matches", "event:page", ["(a+)+"]]]), /^filters\[0\]\[2\]\[0\]: /],
    ["bots=maybe", /^bots: "maybe" must be hide, show or only/],
    ["bot_threshold=0", /^bot_threshold: "0" must be 1-100/],
  ];
  for (const [query, message] of cases) {
    const body = await overview(t, query, 400);
    assert.equal(body.error, "invalid_param", query);
    assert.match(body.message, message, query);
  }
});

Deno.test("overview.csv: engine filters narrow the file too", async () => {
  const t = await fixtureApp();
  const res = await t.request(
    `/api/export/overview.csv?site_id=${SITE}&from=${D1}&to=${D2}&${
      filters([["is", "visit:country", ["GB"]]])
    }`,
    { headers: AUTH },
  );
  assert.equal(res.status, 200);
  const text = await res.text();
  assert.match(text, /\nsource,engine\r?\n/);
  // v5 on the 19th, v5b (the same visit, a new daily id) twice on the 20th.
  assert.match(text, /\npageviews,3,/);
  assert.match(text, /\nGB,3,2\r?\n/);
});
