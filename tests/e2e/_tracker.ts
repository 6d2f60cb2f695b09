// Harness for the tracker's browser tests: the app on one port, a customer's fixture pages on
// another (cross-origin, like a real embed), Chromium, and a recorder of what reached the app
// (`/b.gif`, `/e`, `/c`) — recorded server-side, so beacons sent while a page unloads count too.
import { chromium, type Page } from "playwright-core";
import { HEADLESS_POINTS } from "../../lib/bots/evidence.ts";
import type { TrackerEvent } from "../../tracker/transport.ts";
import { createTestApp, type TestApp } from "../_helpers.ts";
import { type BrowserSession, chromiumArgs, chromiumPath, DESKTOP_UA } from "./_browser.ts";

export { BROWSER_TEST } from "./_browser.ts";

/**
 * The score of a clean view or event from this Chromium: Playwright's browser is automated
 * (navigator.webdriver), the one headless tell it shows (lib/bots/evidence.ts).
 */
export const AUTOMATED_SCORE = HEADLESS_POINTS.webdriver;

export interface EventBatch {
  events: TrackerEvent[];
  siteId: string;
  tok?: string;
  contentType: string | null;
}

export interface Harness {
  t: TestApp;
  /** Origin of the Echelon app, e.g. http://127.0.0.1:41234. */
  app: string;
  /** Origin of the fixture site. */
  site: string;
  browser: BrowserSession;
  page: Page;
  views: URLSearchParams[];
  batches: EventBatch[];
  challenges: URL[];
  /** Requests for the deferred chunk (web vitals and hover). */
  deferred: URL[];
  /** Requests for any chunk, `/ea.<name>.js` (deferred, banner, pow). */
  chunks: URL[];
  /** Every event of every batch, in arrival order. */
  events(type?: string): TrackerEvent[];
  waitFor(check: () => unknown, what: string, timeoutMs?: number): Promise<void>;
  /** Flushes the writers and returns the stored rows. */
  stored(): Promise<{ views: Record<string, unknown>[]; events: Record<string, unknown>[] }>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  env?: Record<string, string>;
  /** Pages by path; `{{app}}` becomes the app origin. "*" answers every other path (SPAs). */
  pages: Record<string, string>;
  userAgent?: string;
  /** Extra response headers of the fixture pages (e.g. a Content-Security-Policy). */
  headers?: Record<string, string>;
  /** Extra Chromium flags (e.g. `--js-flags=--jitless`: no JIT, no WebAssembly). */
  browserArgs?: string[];
}

/** The embed every fixture uses; extra attributes (`data-no-scroll`, …) are appended. */
export function embed(attributes = ""): string {
  return `<script src="{{app}}/ea.js" data-site="fixture" data-allow-local ${attributes}></script>`;
}

/** A minimal page with the embed and some body content. */
export function page(body = "<h1>Hello</h1>", attributes = "", head = ""): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Fixture</title>${head}` +
    `${embed(attributes)}</head><body>${body}</body></html>`;
}

export async function openTracker(options: HarnessOptions): Promise<Harness> {
  const t = await createTestApp(options.env);
  const views: URLSearchParams[] = [];
  const batches: EventBatch[] = [];
  const challenges: URL[] = [];
  const deferred: URL[] = [];
  const chunks: URL[] = [];
  const appServer = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen() {} },
    async (req, info) => {
      const url = new URL(req.url);
      if (url.pathname === "/b.gif") views.push(url.searchParams);
      if (url.pathname === "/c") challenges.push(url);
      if (url.pathname === "/ea.deferred.js") deferred.push(url);
      if (/^\/ea\.\w+\.js$/.test(url.pathname)) chunks.push(url);
      if (url.pathname === "/e" && req.method === "POST") {
        const text = await req.clone().text();
        try {
          batches.push({ ...JSON.parse(text), contentType: req.headers.get("content-type") });
        } catch {
          // Recorded only when it parses; the app answers 400 itself.
        }
      }
      return t.fetch(req, { remoteAddr: { hostname: (info.remoteAddr as Deno.NetAddr).hostname } });
    },
  );
  const app = `http://127.0.0.1:${(appServer.addr as Deno.NetAddr).port}`;
  const siteServer = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, (req) => {
    const path = new URL(req.url).pathname;
    if (path === "/favicon.ico") return new Response(null, { status: 204 });
    const html = options.pages[path] ?? options.pages["*"];
    if (html === undefined) return new Response("not found", { status: 404 });
    return new Response(html.replaceAll("{{app}}", app), {
      headers: {
        "content-type": "text/html; charset=utf-8",
        "cache-control": "no-store",
        ...options.headers,
      },
    });
  });
  const site = `http://127.0.0.1:${(siteServer.addr as Deno.NetAddr).port}`;
  const browser = await openTrackerBrowser(options.userAgent, options.browserArgs);
  const harness: Harness = {
    t,
    app,
    site,
    browser,
    page: browser.page,
    views,
    batches,
    challenges,
    deferred,
    chunks,
    events: (type) =>
      batches.flatMap((batch) => batch.events).filter((event) => !type || event.type === type),
    async waitFor(check, what, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!check()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    async stored() {
      await t.services.collect.views.flush();
      await t.services.collect.events.flush();
      return {
        views: t.services.db.all("SELECT * FROM visitor_views ORDER BY id"),
        events: t.services.db.all("SELECT * FROM semantic_events ORDER BY id"),
      };
    },
    async close() {
      await browser.close();
      await appServer.shutdown();
      await siteServer.shutdown();
    },
  };
  return harness;
}

/**
 * Like `openBrowser()`, but the desktop UA is also the browser-wide default: keepalive requests
 * sent while a page unloads (sendBeacon on reload or close) bypass Playwright's per-page override
 * and would otherwise say "HeadlessChrome", which the collectors rightly drop as a known bot.
 */
async function openTrackerBrowser(
  userAgent = DESKTOP_UA,
  extraArgs: string[] = [],
): Promise<BrowserSession> {
  const profile = await Deno.makeTempDir({ prefix: "echelon-tracker-" });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(),
    headless: true,
    userAgent,
    args: [...chromiumArgs(userAgent), ...extraArgs],
  });
  const page = context.pages()[0] ?? await context.newPage();
  const errors: string[] = [];
  context.on("weberror", (error) => errors.push(error.error().message));
  context.on("console", (msg) => {
    if (msg.type() === "error") errors.push(msg.text());
  });
  return {
    context,
    page,
    errors,
    async close() {
      await context.close();
      await Deno.remove(profile, { recursive: true }).catch(() => {});
    },
  };
}

/** Decodes the tracker's base64-of-UTF-8 parameters (p, ref, uc, …). */
export function decodeParam(value: string | null): string | null {
  if (value === null) return null;
  const binary = atob(value);
  return new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
}

/** Makes the page report hidden/visible the way a tab switch does (headless tabs never hide). */
export async function setVisibility(page: Page, state: "hidden" | "visible"): Promise<void> {
  await page.evaluate((state) => {
    Object.defineProperty(document, "visibilityState", { configurable: true, get: () => state });
    Object.defineProperty(document, "hidden", {
      configurable: true,
      get: () => state === "hidden",
    });
    document.dispatchEvent(new Event("visibilitychange"));
  }, state);
}
