// Chromium for the traffic-mix test, driven by Playwright: one browser, a fresh context
// per visitor (its own storage, and its own proxy that gives all its requests one client address),
// `navigator.webdriver` hidden as in a person's browser; input goes through the DevTools protocol,
// so the page sees it as trusted.
import { type Browser, chromium, type Page } from "playwright-core";
import { chromiumArgs, chromiumPath, DESKTOP_UA } from "./_browser.ts";
import { runVisit, type Tab, VIEWPORTS, type Visit } from "./_mix_browsers.ts";
import type { World } from "./_mix_world.ts";
import { pick } from "./_mix_pace.ts";

/**
 * Chromium for the visitors of `siteIds`. Their origins and the app's count as secure, as HTTPS
 * would make them in production: only then does Chromium send client hints and fetch metadata.
 */
export async function launchChromium(
  world: World,
  siteIds: string[],
): Promise<{ visit: Visit; close(): Promise<void> }> {
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      ...chromiumArgs(DESKTOP_UA),
      `--unsafely-treat-insecure-origin-as-secure=${world.secureOrigins(siteIds).join(",")}`,
      // A person's browser reports navigator.webdriver false; the tracker skips automation.
      "--disable-blink-features=AutomationControlled",
    ],
  });
  return { visit: (...args) => visit(browser, ...args), close: () => browser.close() };
}

function visit(browser: Browser, ...[world, siteId, ip, behaviour]: Parameters<Visit>) {
  return runVisit(world, siteId, ip, behaviour, async (proxyServer) => {
    const context = await browser.newContext({
      userAgent: DESKTOP_UA,
      locale: pick(["en-GB", "en-US", "de-DE"]),
      viewport: pick(VIEWPORTS),
      proxy: { server: proxyServer },
    });
    const page = await context.newPage();
    return {
      tab: playwrightTab(page),
      leave: () => page.close({ runBeforeUnload: true }),
      close: () => context.close(),
    };
  });
}

function playwrightTab(page: Page): Tab {
  return {
    async throttle(latencyMs, kbps) {
      const cdp = await page.context().newCDPSession(page);
      const bytesPerSecond = kbps * 1024 / 8;
      await cdp.send("Network.emulateNetworkConditions", {
        offline: false,
        latency: latencyMs,
        downloadThroughput: bytesPerSecond,
        uploadThroughput: bytesPerSecond,
      });
    },
    goto: async (url) => void await page.goto(url, { waitUntil: "load" }),
    size: () => page.viewportSize()!,
    move: (x, y, steps) => page.mouse.move(x, y, { steps }),
    wheel: (deltaY) => page.mouse.wheel(0, deltaY),
    click: (x, y, holdMs) => page.mouse.click(x, y, { delay: holdMs }),
    type: (text, delayMs) => page.keyboard.type(text, { delay: delayMs }),
    box: (selector) => page.locator(selector).first().boundingBox(),
    async navigating(action) {
      const before = page.url();
      await action();
      await page.waitForURL((url) => url.href !== before);
      await page.waitForLoadState("load");
    },
    script: (fn, arg) => page.evaluate(fn, arg),
  };
}
