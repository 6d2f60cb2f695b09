// Firefox ESR for the traffic-mix test (ECHELON_FIREFOX, else `firefox-esr` or `firefox` on PATH),
// driven by puppeteer-core over WebDriver BiDi: one browser, a user context per visitor with its
// own proxy (one client address for all its requests), `navigator.webdriver` reported false as in
// a person's browser (the pref is ignored under BiDi, so a script defines it before the page
// runs); input goes through BiDi's input actions, so the page sees it as trusted.
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { runVisit, type Tab, VIEWPORTS, type Visit } from "./_mix_browsers.ts";
import type { World } from "./_mix_world.ts";
import { pick } from "./_mix_pace.ts";
import { findBrowser, FIREFOX, missingBrowser } from "./_browser_path.ts";

/** The Firefox executable, or null (the traffic mix then skips its Firefox classes). */
export function firefoxPath(): string | null {
  return findBrowser(FIREFOX);
}

/** Why the Firefox classes are skipped. */
export const FIREFOX_MISSING = missingBrowser(FIREFOX);

export async function launchFirefox(
  executablePath: string,
  world: World,
  siteIds: string[],
): Promise<{ visit: Visit; close(): Promise<void> }> {
  const browser = await puppeteer.launch({
    browser: "firefox",
    executablePath,
    headless: true,
    extraPrefsFirefox: {
      // As HTTPS would make them in production (fetch metadata is sent to secure origins only).
      "dom.securecontext.allowlist": world.secureOrigins(siteIds)
        .map((origin) => new URL(origin).hostname).join(","),
      // Nor may the tracker's image beacon be upgraded to HTTPS as mixed content.
      "security.mixed_content.upgrade_display_content": false,
      "dom.security.https_first": false,
      "dom.security.https_first_schemeless": false,
    },
  });
  return { visit: (...args) => visit(browser, ...args), close: () => browser.close() };
}

function visit(browser: Browser, ...[world, siteId, ip, behaviour]: Parameters<Visit>) {
  return runVisit(world, siteId, ip, behaviour, async (proxyServer) => {
    // BiDi takes the proxy as host:port, without a scheme.
    const context = await browser.createBrowserContext({ proxyServer: proxyServer.slice(7) });
    const page = await context.newPage();
    await page.setViewport(pick(VIEWPORTS));
    await page.evaluateOnNewDocument(() =>
      Object.defineProperty(Navigator.prototype, "webdriver", { get: () => false })
    );
    return {
      tab: puppeteerTab(page),
      leave: () => page.close({ runBeforeUnload: true }),
      close: () => context.close(),
    };
  });
}

function puppeteerTab(page: Page): Tab {
  return {
    throttle: () => Promise.reject(new Error("WebDriver BiDi offers no network throttling")),
    goto: async (url) => void await page.goto(url, { waitUntil: "load" }),
    size: () => page.viewport()!,
    move: (x, y, steps) => page.mouse.move(x, y, { steps }),
    wheel: (deltaY) => page.mouse.wheel({ deltaY }),
    click: (x, y, holdMs) => page.mouse.click(x, y, { delay: holdMs }),
    type: (text, delayMs) => page.keyboard.type(text, { delay: delayMs }),
    async box(selector) {
      const element = await page.$(selector);
      return element ? await element.boundingBox() : null;
    },
    async navigating(action) {
      await Promise.all([page.waitForNavigation({ waitUntil: "load" }), action()]);
    },
    script: (fn, arg) => page.evaluate(fn, arg),
  };
}
