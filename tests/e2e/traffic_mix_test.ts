// The traffic mix (issue 14, "Tests and figures"): classes of traffic, each on its own site and
// each visitor from its own address behind a trusted proxy, paced like people; then what the
// dashboard counts as human per class, and the stored score and detail of every row. Real
// browsers must be counted, scripts and headless bots must not — the table below says how far.
// MIX_RECORD_ONLY=1 prints the figures without asserting them (to record "before" figures);
// MIX_QUICK=1 sends a quarter of the visitors (while working on the test itself).
import assert from "node:assert/strict";
import { BROWSER_TEST } from "./_browser.ts";
import {
  type Behaviour,
  headless,
  person,
  reader,
  slowPerson,
  type Visit,
} from "./_mix_browsers.ts";
import { launchChromium } from "./_mix_chromium.ts";
import { FIREFOX_MISSING, firefoxPath, launchFirefox } from "./_mix_firefox.ts";
import { pause, pool, rand } from "./_mix_pace.ts";
import {
  type ClassFigures,
  countedShare,
  formatTable,
  measure,
  type ReportLine,
} from "./_mix_report.ts";
import {
  forgeToken,
  KNOWN_BOT_AGENTS,
  knownBotVisit,
  ScriptClient,
  scriptVisit,
  solveOutsideBrowser,
} from "./_mix_scripts.ts";
import { openWorld, SPA_SUFFIX, type World } from "./_mix_world.ts";

interface TrafficClass {
  name: string;
  /** Share of the class's visitors the dashboard may count as human: [at least, at most]. */
  counted: [number, number];
  visitors: number;
  /** A behaviour in a browser (Chromium unless `firefox`), or a script visitor. */
  browser?: Behaviour;
  firefox?: boolean;
  /** The class's site is a single-page app (history.pushState navigations). */
  spa?: boolean;
  script?: (world: World, siteId: string, ip: string, index: number) => Promise<void>;
  /** Further outcomes a user sees for this class (beyond the counted share). */
  check?: (figures: ClassFigures, world: World, siteId: string) => Promise<string | null>;
}

/** One token solved once, then sent by every visitor of the "replayed" class. */
let replayedToken: Promise<string> | null = null;

const CLASSES: TrafficClass[] = [
  {
    name: "person (Chromium, trusted input)",
    counted: [1, 1],
    visitors: 12,
    browser: person,
    check: everyViewCounted,
  },
  {
    name: "person (Firefox ESR, trusted input)",
    counted: [1, 1],
    visitors: 6,
    browser: person,
    firefox: true,
    check: everyViewCounted,
  },
  {
    name: "person in an SPA (Chromium)",
    counted: [1, 1],
    visitors: 4,
    browser: person,
    spa: true,
    check: everyViewCounted,
  },
  {
    name: "person on a slow network (Chromium)",
    counted: [1, 1],
    visitors: 4,
    browser: slowPerson,
    check: everyViewCounted,
  },
  {
    name: "reader (Chromium, no input)",
    counted: [0, 0],
    visitors: 6,
    browser: reader,
  },
  {
    name: "headless (spoofed UA, page-JS input)",
    counted: [0, 0.1],
    visitors: 12,
    browser: headless,
  },
  {
    name: "script, no token",
    counted: [0, 0],
    visitors: 24,
    script: (world, siteId, ip) =>
      scriptVisit(new ScriptClient(world, siteId, ip), () => Promise.resolve(null)),
  },
  {
    name: "script, forged token",
    counted: [0, 0],
    visitors: 24,
    script: (world, siteId, ip) => scriptVisit(new ScriptClient(world, siteId, ip), forgeToken),
  },
  {
    name: "script, one token replayed",
    counted: [0, 0],
    visitors: 24,
    script: (world, siteId, ip) =>
      scriptVisit(
        new ScriptClient(world, siteId, ip),
        (client) => replayedToken ??= solveOutsideBrowser(client),
      ),
  },
  {
    name: "solver (WASM in Deno, no DOM, events)",
    counted: [0, 0.05],
    visitors: 30,
    script: (world, siteId, ip) =>
      scriptVisit(new ScriptClient(world, siteId, ip), solveOutsideBrowser, {
        withEvents: true,
        loadsScript: true,
      }),
  },
  {
    name: "known bots (GPTBot, curl, …)",
    counted: [0, 0],
    visitors: KNOWN_BOT_AGENTS.length,
    script: (world, siteId, ip, index) => knownBotVisit(world, siteId, ip, KNOWN_BOT_AGENTS[index]),
    check: async (f, world, siteId) => {
      const hits = Object.values(await world.knownBots(siteId)).reduce((a, b) => a + b, 0);
      const sent = 2 * f.visitors;
      return hits === sent ? null : `the known-bot report counts ${hits} hits of ${sent}`;
    },
  },
];

/** Chromium contexts open at once (2 cores, shared). */
const BROWSER_CONCURRENCY = 4;
/** Script visitors arrive spread over this long, like a trickle of visits. */
const SCRIPT_ARRIVALS_MS = 45_000;

const siteOf = (index: number) => `mix-${index}${CLASSES[index].spa ? SPA_SUFFIX : ""}`;

Deno.test({
  name: "e2e traffic mix: who is counted as human, per class of traffic",
  ...BROWSER_TEST,
  async fn() {
    const started = Date.now();
    const world = await openWorld();
    const browsers: { close(): Promise<void> }[] = [];
    try {
      const firefoxExecutable = firefoxPath();
      const withFirefox = firefoxExecutable !== null;
      const sitesOf = (firefox: boolean) =>
        CLASSES.flatMap((c, index) =>
          c.browser && Boolean(c.firefox) === firefox ? [siteOf(index)] : []
        );
      const [chromium, firefox] = await Promise.all([
        launchChromium(world, sitesOf(false)),
        firefoxExecutable ? launchFirefox(firefoxExecutable, world, sitesOf(true)) : null,
      ]);
      browsers.push(chromium, ...(firefox ? [firefox] : []));
      const tasks = {
        chromium: [] as (() => Promise<void>)[][],
        firefox: [] as (() => Promise<void>)[],
      };
      const scripts: Promise<void>[] = [];
      CLASSES.forEach((c, index) => {
        const siteId = siteOf(index);
        if (c.firefox && !firefox) return;
        for (let n = 0; n < visitorsOf(c); n++) {
          const ip = world.nextIp();
          const visit: Visit | undefined = c.firefox ? firefox?.visit : chromium.visit;
          const task = () => visit!(world, siteId, ip, c.browser!);
          if (c.firefox) tasks.firefox.push(task);
          else if (c.browser) (tasks.chromium[n] ??= []).push(task);
          else {
            scripts.push(
              pause(rand(0, SCRIPT_ARRIVALS_MS)).then(() => c.script!(world, siteId, ip, n)),
            );
          }
        }
      });
      // Chromium classes interleaved, so each meets the same load; Firefox alongside.
      await Promise.all([
        pool(tasks.chromium.flat(), BROWSER_CONCURRENCY),
        pool(tasks.firefox, 1),
        ...scripts,
      ]);
      await pause(1000);
      const skipped = withFirefox ? [] : CLASSES.filter((c) => c.firefox);
      if (skipped.length) console.log(`${FIREFOX_MISSING}: Firefox classes skipped`);

      const ingest = await measureAll(world);
      await world.sweepAfter(6 * 60_000);
      const swept = await measureAll(world);
      const lines: ReportLine[] = CLASSES.map((c, index) => ({
        name: c.name,
        expected: expectation(c.counted),
        ingest: ingest[index],
        swept: swept[index],
      })).filter((_, index) => !skipped.includes(CLASSES[index]));
      console.log(
        `\nTraffic mix (${Math.round((Date.now() - started) / 1000)} s; ` +
          `${world.unaddressed.length} app requests without a client address)\n` +
          formatTable(lines),
      );

      const misses: string[] = [];
      for (const [index, c] of CLASSES.entries()) {
        if (skipped.includes(c)) continue;
        const siteId = siteOf(index);
        for (const [when, f] of [["at ingest", ingest[index]], ["after the sweep", swept[index]]]) {
          const figures = f as ClassFigures;
          // What the dashboard counts is what the stored rows say (one threshold for both).
          assert.equal(figures.counted.views, figures.humanRows, `${c.name}: dashboard vs rows`);
          const share = countedShare(figures);
          if (share < c.counted[0] || share > c.counted[1]) {
            misses.push(
              `${c.name}: ${Math.round(share * 100)} % counted ${when} ` +
                `(${figures.counted.visitors} of ${figures.visitors} visitors), expected ` +
                expectation(c.counted),
            );
          }
        }
        const extra = await c.check?.(swept[index], world, siteId);
        if (extra) misses.push(`${c.name}: ${extra}`);
      }
      if (Deno.env.get("MIX_RECORD_ONLY") === "1") {
        console.log(`recording only; ${misses.length} classes missed:\n${misses.join("\n")}`);
      } else {
        assert.deepEqual(misses, [], `classes that missed their target:\n${misses.join("\n")}`);
      }
    } finally {
      await Promise.all(browsers.map((browser) => browser.close()));
      await world.close();
    }
  },
});

/** Every page a person viewed arrived once, and no stored score reached 50. */
function everyViewCounted(f: ClassFigures, world: World, siteId: string): Promise<string | null> {
  const high = f.scores.filter((score) => score >= 50);
  const seen = world.pagesSeen.get(siteId) ?? 0;
  if (high.length) return Promise.resolve(`scores ${high.join(", ")} are not all < 50`);
  if (f.storedViews !== seen) {
    return Promise.resolve(`${f.storedViews} page views stored of the ${seen} the visitors saw`);
  }
  return Promise.resolve(null);
}

function measureAll(world: World): Promise<ClassFigures[]> {
  return Promise.all(CLASSES.map((c, index) => measure(world, siteOf(index), visitorsOf(c))));
}

function visitorsOf(c: TrafficClass): number {
  return Deno.env.get("MIX_QUICK") === "1" ? Math.ceil(c.visitors / 4) : c.visitors;
}

function expectation([min, max]: [number, number]): string {
  if (min === max) return `${min * 100} %`;
  if (min === 0) return `≤ ${max * 100} %`;
  return `${min * 100}–${max * 100} %`;
}
