// The world of the traffic-mix test (tests/e2e/traffic_mix_test.ts): the app behind a trusted
// proxy (ECHELON_TRUST_PROXY; every client's address arrives in X-Forwarded-For), a customer's
// multi-page site whose host names the class's site (`<site>.shop.test`), a forward proxy per
// browser visitor that stamps its address on every request of that visitor — beacons sent while
// a page unloads included — a clock that runs, a pool of distinct public client addresses, and
// readers of what a user sees (the overview API) and of what was stored (rows, scores, detail).
import type { Job } from "../../lib/jobs.ts";
import { createTestApp, TEST_SECRET, type TestApp } from "../_helpers.ts";
import { events as storedEvents, views as storedViews } from "../_collect.ts";

/** Host names browsers use, reached through their visitor's proxy (no DNS involved). */
export const SITE_DOMAIN = "shop.test";
const APP_HOST = "echelon.test";

/** A site whose id ends so is a single-page app: links swap the content and push the URL. */
export const SPA_SUFFIX = "-spa";
const SPA_ROUTER = `addEventListener("click", (event) => {
  const link = event.target.closest("a");
  if (!link) return;
  event.preventDefault();
  history.pushState(null, "", link.href);
  document.querySelector("h1").textContent = location.pathname;
  document.title = "Shop " + location.pathname;
  scrollTo(0, 0);
});`;

/** The pages of the customer's site; each links to the others and is long enough to scroll. */
export const SITE_PATHS = ["/", "/pricing", "/blog/first-post", "/about"] as const;

export interface World {
  t: TestApp;
  /** Origin of the app for scripts, which connect directly: http://127.0.0.1:<port>. */
  app: string;
  /** The page URL of `path` on the site of `siteId`. */
  pageUrl(siteId: string, path: string): string;
  /** The origins browsers must treat as secure for the sites `siteIds` (the app's included). */
  secureOrigins(siteIds: string[]): string[];
  /** Page views the browser visitors of each site saw themselves (to compare with what arrived). */
  pagesSeen: Map<string, number>;
  /** A public client address no other visitor of the run uses. */
  nextIp(): string;
  /** A forward proxy for one browser visitor: every request it carries comes from `ip`. */
  visitorProxy(ip: string): { server: string; close(): Promise<void> };
  /** App requests that arrived without X-Forwarded-For (they would share the proxy's address). */
  unaddressed: string[];
  /** Moves the clock `ms` on and runs the bot correlator's sweep as the server would then. */
  sweepAfter(ms: number): Promise<void>;
  /** What the dashboard counts for a site today: human visitors and page views. */
  counted(siteId: string): Promise<{ visitors: number; views: number }>;
  /** What the known-bot report counts for a site today (hits by bot name). */
  knownBots(siteId: string): Promise<Record<string, number>>;
  /** The stored page views and events of a site, flushed first. */
  stored(siteId: string): Promise<{ views: StoredRow[]; events: StoredRow[] }>;
  close(): Promise<void>;
}

export interface StoredRow {
  [column: string]: unknown;
  visitor_id: string;
  site_id: string;
  bot_score: number;
  bot_score_detail: string | null;
}

const AUTH = { authorization: `Bearer ${TEST_SECRET}` };

export async function openWorld(env: Record<string, string> = {}): Promise<World> {
  const t = await createTestApp({
    ECHELON_SECRET: TEST_SECRET,
    ECHELON_TRUST_PROXY: "true",
    ...env,
  });
  runClock(t);
  const unaddressed: string[] = [];
  // Every request reaches the app from 127.0.0.1, a trusted proxy: the client is X-Forwarded-For.
  const toApp = (req: Request) => {
    if (!req.headers.has("x-forwarded-for")) unaddressed.push(new URL(req.url).pathname);
    return t.fetch(req, { remoteAddr: { hostname: "127.0.0.1" } });
  };
  const appServer = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, toApp);
  const app = `http://127.0.0.1:${(appServer.addr as Deno.NetAddr).port}`;
  const proxies = new Set<Deno.HttpServer>();
  let ips = 0;
  return {
    t,
    app,
    pageUrl: (siteId, path) => `http://${siteId}.${SITE_DOMAIN}${path}`,
    pagesSeen: new Map(),
    secureOrigins: (siteIds) => [
      `http://${APP_HOST}`,
      ...siteIds.map((id) => `http://${id}.${SITE_DOMAIN}`),
    ],
    visitorProxy(ip) {
      const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, (req) => {
        const url = new URL(req.url);
        if (url.hostname === APP_HOST) {
          const headers = new Headers(req.headers);
          headers.set("x-forwarded-for", ip);
          return toApp(new Request(req, { headers }));
        }
        return sitePage(url, `http://${APP_HOST}`);
      });
      proxies.add(server);
      return {
        server: `http://127.0.0.1:${(server.addr as Deno.NetAddr).port}`,
        async close() {
          proxies.delete(server);
          await server.shutdown();
        },
      };
    },
    nextIp() {
      const n = ips++;
      if (n >= TEST_NETS.length * 254) throw new Error("the run needs more client addresses");
      return `${TEST_NETS[Math.floor(n / 254)]}.${(n % 254) + 1}`;
    },
    unaddressed,
    async sweepAfter(ms) {
      await storedViews(t);
      t.clock.now += ms;
      const sweep = t.services.jobs.find((job: Job) => job.name === "bot-correlator");
      if (!sweep) throw new Error("the app has no bot-correlator job");
      await sweep.run();
    },
    async counted(siteId) {
      const overview = await getJson(t, `/api/stats/overview?site_id=${siteId}&days=1`);
      return { visitors: overview.unique_visitors, views: overview.pageviews };
    },
    async knownBots(siteId) {
      const report = await getJson(t, `/api/bots/report?site_id=${siteId}&days=1`);
      const hits: Record<string, number> = {};
      for (const bot of report.known_bots as { name: string; hits: number }[]) {
        hits[bot.name] = (hits[bot.name] ?? 0) + bot.hits;
      }
      return hits;
    },
    async stored(siteId) {
      const mine = (row: Record<string, unknown>) => row.site_id === siteId;
      return {
        views: (await storedViews(t)).filter(mine) as StoredRow[],
        events: (await storedEvents(t)).filter(mine) as StoredRow[],
      };
    },
    async close() {
      await Promise.all([...proxies].map((server) => server.shutdown()));
      await appServer.shutdown();
    },
  };
}

// Documentation ranges (RFC 5737): public addresses that no GeoIP or hosting-network list places
// anywhere, so no class is judged by its network here.
const TEST_NETS = ["192.0.2", "198.51.100", "203.0.113"];

/** The test app's clock stands still; here it runs from its start value at the real pace. */
function runClock(t: TestApp): void {
  let offset = t.clock.now - Date.now();
  Object.defineProperty(t.clock, "now", {
    get: () => Date.now() + offset,
    set: (value: number) => offset = value - Date.now(),
  });
}

async function getJson(t: TestApp, path: string) {
  const res = await t.request(path, { headers: AUTH });
  const body = await res.json();
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

function sitePage(url: URL, app: string): Response {
  const host = url.hostname;
  if (url.pathname === "/favicon.ico") return new Response(null, { status: 204 });
  if (url.pathname === "/spa.js") {
    return new Response(SPA_ROUTER, { headers: { "content-type": "text/javascript" } });
  }
  const siteId = host.endsWith(`.${SITE_DOMAIN}`) ? host.slice(0, -SITE_DOMAIN.length - 1) : "";
  if (!siteId || !(SITE_PATHS as readonly string[]).includes(url.pathname)) {
    return new Response("not found", { status: 404 });
  }
  const links = SITE_PATHS.map((path) => `<a href="${path}" id="to-${slug(path)}">${path}</a>`)
    .join(" · ");
  const paragraphs = Array.from(
    { length: 40 },
    (_, i) =>
      `<p>Paragraph ${i + 1} of ${url.pathname}: words a visitor reads while scrolling.</p>`,
  ).join("");
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8">` +
    `<title>Shop ${url.pathname}</title>` +
    `<script src="${app}/ea.js" data-site="${siteId}" defer></script>` +
    (siteId.endsWith(SPA_SUFFIX) ? `<script src="/spa.js" defer></script>` : "") + `</head>` +
    `<body><nav>${links}</nav><h1>${url.pathname}</h1>` +
    `<label>Search <input id="q" name="q"></label> <button id="buy">Buy</button>` +
    `${paragraphs}<footer>${links}</footer></body></html>`;
  return new Response(html, {
    headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
  });
}

/** The id part of a page's link: "/" → "home", "/blog/first-post" → "blog-first-post". */
export function slug(path: string): string {
  return path === "/" ? "home" : path.slice(1).replaceAll("/", "-");
}
