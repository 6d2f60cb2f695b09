// Chromium, issue 17's outcome test: a fixture site with the real tracker, visited by ten people
// (each from their own address behind a trusted proxy, with trusted input) whose outcome is known —
// all land on /, six go on to /pricing by its link, three of those send `signup` with plan=pro, two
// of them a `purchase` of 49.90 EUR — then the goals' conversions, rates and revenue, the funnel's
// steps and the journey from / asked through the API match it; the
// same visits sent again by a script without a valid proof of work change none of the figures.
import assert from "node:assert/strict";
import { BROWSER_TEST } from "./_browser.ts";
import { type Behaviour, clickOn } from "./_mix_browsers.ts";
import { launchChromium } from "./_mix_chromium.ts";
import { pause } from "./_mix_pace.ts";
import { ScriptClient } from "./_mix_scripts.ts";
import { openWorld, type World } from "./_mix_world.ts";
import { TEST_SECRET } from "../_helpers.ts";

const SITE = "conv";
const AUTH = { authorization: `Bearer ${TEST_SECRET}`, "content-type": "application/json" };

async function api(world: World, path: string, body: unknown) {
  const res = await world.t.request(path, {
    method: "POST",
    headers: AUTH,
    body: JSON.stringify(body),
  });
  const json = await res.json();
  assert.ok(res.status < 300, `${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** Visitor `i`: lands on /, reads; 0-5 go on to /pricing; 0-2 sign up there (plan=pro). */
function visitor(i: number): Behaviour {
  return async (tab, world, siteId) => {
    await tab.goto(world.pageUrl(siteId, "/"));
    await pause(400);
    await tab.move(220, 320, 8);
    await tab.wheel(300);
    await pause(500);
    if (i >= 6) return;
    await tab.navigating(() => clickOn(tab, "nav #to-pricing"));
    await pause(400);
    await tab.move(300, 260, 6);
    await tab.wheel(250);
    await pause(400);
    if (i < 3) {
      // The site's own code reports the signup, as a page calls the tracker's API.
      await tab.script(
        // deno-lint-ignore no-explicit-any
        (plan) => (globalThis as any).echelon.track("signup", { plan }),
        "pro",
      );
      await pause(300);
      if (i < 2) {
        await tab.script(
          (amount) =>
            // deno-lint-ignore no-explicit-any
            (globalThis as any).echelon.track("purchase", { revenue: amount, currency: "EUR" }),
          "49.90",
        );
      }
      await pause(600);
    }
  };
}

/** What a user of the API sees for the site today. */
async function figures(world: World) {
  const day = { site_id: SITE, date_range: "day" };
  const visitors = await api(world, "/api/v2/query", { ...day, metrics: ["visitors"] });
  const goals = await api(world, "/api/v2/query", {
    ...day,
    metrics: ["unique_conversions", "conversion_rate", "conversions", "total_revenue"],
    dimensions: ["event:goal"],
  });
  const funnel = await api(world, "/api/v2/funnel", {
    ...day,
    steps: [{ page: "/" }, { page: "/pricing" }, { event_name: "signup", props: { plan: "pro" } }],
  });
  const journey = await api(world, "/api/v2/journeys", { ...day, page: "/", depth: 1 });
  return {
    visitors: visitors.results[0].metrics[0],
    journey: journey.nodes.map((n: { label: string; step: number; visits: number }) =>
      `${n.step} ${n.label} ${n.visits}`
    ),
    goals: Object.fromEntries(
      goals.results.map((
        r: { dimensions: string[]; metrics: number[] },
      ) => [r.dimensions[0], r.metrics]),
    ),
    funnel: funnel.steps.map((s: { visitors: number; dropoff: number }) => [s.visitors, s.dropoff]),
  };
}

Deno.test({
  name:
    "e2e conversions: goals and a funnel over real Chromium visits; the same visits without a proof of work change nothing",
  ...BROWSER_TEST,
  async fn() {
    const world = await openWorld();
    const chromium = await launchChromium(world, [SITE]);
    try {
      await api(world, "/api/sites", { site_id: SITE, name: "Conversions" });
      await api(world, "/api/goals", {
        site_id: SITE,
        name: "Pricing",
        kind: "page",
        page: "/pricing",
      });
      await api(world, "/api/goals", {
        site_id: SITE,
        name: "Pro signup",
        kind: "event",
        event_name: "signup",
        props: { plan: "pro" },
      });
      await api(world, "/api/goals", {
        site_id: SITE,
        name: "Purchase",
        kind: "event",
        event_name: "purchase",
        currency: "EUR",
      });
      for (let i = 0; i < 10; i++) {
        await chromium.visit(world, SITE, world.nextIp(), visitor(i));
      }
      await world.stored(SITE);
      const seen = await figures(world);
      assert.deepEqual(seen, {
        visitors: 10,
        goals: {
          "Pricing": [6, 60, 6, 0],
          "Pro signup": [3, 30, 3, 0],
          "Purchase": [2, 20, 2, 99.8],
        },
        funnel: [[10, 0], [6, 4], [3, 3]],
        // From /: six visits on to /pricing, four ended there.
        journey: ["0 / 10", "1 /pricing 6", "1 (exit) 4"],
      });

      // The same ten visits from a script with a complete browser header set and no proof of
      // work: the page views and the signups reach the server, and count nowhere.
      for (let i = 0; i < 10; i++) {
        const client = new ScriptClient(world, SITE, world.nextIp());
        assert.equal(await client.view("/", { tok: null, first: true }), 200);
        if (i >= 6) continue;
        assert.equal(await client.view("/pricing", { tok: null, first: false }), 200);
        if (i < 3) {
          const sent = await client.events([
            { type: "custom", data: { name: "signup", plan: "pro", path: "/pricing" } },
            ...(i < 2
              ? [{
                type: "custom",
                data: { name: "purchase", revenue: "49.90", currency: "EUR", path: "/pricing" },
              }]
              : []),
          ], null);
          assert.equal(sent, 204);
        }
      }
      const stored = await world.stored(SITE);
      assert.equal(stored.views.length, 32, "16 browser views and 16 scripted ones are stored");
      assert.equal(stored.events.filter((e) => e.event_name === "signup").length, 6);
      assert.equal(stored.events.filter((e) => e.event_name === "purchase").length, 4);
      await world.sweepAfter(6 * 60_000);
      assert.deepEqual(await figures(world), seen);
    } finally {
      await chromium.close();
      await world.close();
    }
  },
});
