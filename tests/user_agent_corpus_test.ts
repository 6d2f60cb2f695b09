// The guard of the user-agent parser (lib/ingest/user_agent.ts): ~500 real user agents (common
// browsers of real traffic, crawlers, the UAs of our own tests) and what the function reports for
// each, frozen with ua-parser-js 1.0.41 (tests/fixtures/user_agents.json, with its sources). A
// parser upgrade or replacement must give the same browser, version, OS and device class for
// every one, or change the fixture case by case with the reason (README "User-agent parsing").
import assert from "node:assert/strict";
import { createUaParser, type ParsedUserAgent } from "../lib/ingest/user_agent.ts";

interface Case {
  ua: string;
  source: string;
  expected: ParsedUserAgent;
}

const FIXTURE = new URL("./fixtures/user_agents.json", import.meta.url);
const { cases } = JSON.parse(Deno.readTextFileSync(FIXTURE)) as { cases: Case[] };

Deno.test("user-agent corpus: every real UA parses as frozen", () => {
  const parse = createUaParser();
  const differences = cases
    .map((c) => ({ ua: c.ua, expected: c.expected, actual: parse(c.ua) }))
    .filter((d) => JSON.stringify(d.actual) !== JSON.stringify(d.expected));
  assert.deepEqual(
    differences.slice(0, 10),
    [],
    `${differences.length} of ${cases.length} user agents parse differently (first 10 shown)`,
  );
});

Deno.test("user-agent corpus: the fixture covers browsers, systems, devices and crawlers", () => {
  const count = (pick: (c: Case) => string | null) => {
    const counts = new Map<string | null, number>();
    for (const c of cases) counts.set(pick(c), (counts.get(pick(c)) ?? 0) + 1);
    return counts;
  };
  assert.ok(cases.length >= 450, `${cases.length} cases`);
  assert.equal(new Set(cases.map((c) => c.ua)).size, cases.length, "no duplicates");
  const sources = count((c) => c.source);
  assert.ok(sources.get("user-agents")! >= 250, "real-traffic browsers");
  assert.ok(sources.get("crawler-user-agents")! >= 100, "crawlers");
  const browsers = count((c) => c.expected.browser);
  for (const name of ["Chrome", "Mobile Safari", "Safari", "Firefox", "Edge", "Opera"]) {
    assert.ok((browsers.get(name) ?? 0) >= 5, `${name}: ${browsers.get(name) ?? 0}`);
  }
  assert.ok((browsers.get(null) ?? 0) >= 100, "unrecognised clients (crawlers, scripts)");
  const systems = count((c) => c.expected.os);
  for (const name of ["Windows", "macOS", "iOS", "Android", "Linux", "ChromeOS"]) {
    assert.ok((systems.get(name) ?? 0) >= 5, `${name}: ${systems.get(name) ?? 0}`);
  }
  const devices = count((c) => c.expected.deviceType);
  for (const type of ["desktop", "mobile", "tablet"]) {
    assert.ok((devices.get(type) ?? 0) >= 10, `${type}: ${devices.get(type) ?? 0}`);
  }
});
