// The Chromium classes of the traffic-mix test: one Debian Chromium, a fresh context per visitor
// (its own storage, and its own proxy that gives all its requests one client address), `navigator.webdriver` hidden as in
// a person's browser, and three ways to behave — a person (trusted mouse, wheel and keyboard input
// through the DevTools protocol, sometimes moving on to other pages by clicking a link), a reader
// who never touches the page, and a headless bot that only waits or acts through page JavaScript.
import { type Browser, chromium, type Page } from "playwright-core";
import { CHROMIUM, chromiumArgs, DESKTOP_UA } from "./_browser.ts";
import { SITE_PATHS, slug, type World } from "./_mix_world.ts";
import { pause, pick, rand } from "./_mix_pace.ts";

export type Behaviour = (page: Page, world: World, siteId: string) => Promise<void>;

export function launchMixBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      ...chromiumArgs(DESKTOP_UA),
      // A person's browser reports navigator.webdriver false; the tracker skips automation.
      "--disable-blink-features=AutomationControlled",
    ],
  });
}

const VIEWPORTS = [
  { width: 1366, height: 768 },
  { width: 1280, height: 800 },
  { width: 1440, height: 900 },
];

/** One visitor: a context of its own from address `ip`, the behaviour, then it leaves. */
export async function visit(
  browser: Browser,
  world: World,
  siteId: string,
  ip: string,
  behaviour: Behaviour,
): Promise<void> {
  const proxy = world.visitorProxy(ip);
  const context = await browser.newContext({
    userAgent: DESKTOP_UA,
    locale: pick(["en-GB", "en-US", "de-DE"]),
    viewport: pick(VIEWPORTS),
    proxy: { server: proxy.server },
  });
  try {
    const page = await context.newPage();
    await behaviour(page, world, siteId);
    // Leaving runs pagehide (the tracker's last beacons); give the keepalive requests a moment.
    await page.close({ runBeforeUnload: true });
    await pause(400);
  } finally {
    await context.close();
    await proxy.close();
  }
}

/** A person: looks, moves the mouse, scrolls with the wheel, sometimes types, reads on. */
export const person: Behaviour = async (page, world, siteId) => {
  let path: string = pick(SITE_PATHS);
  const pages = rand(1, 3);
  for (let n = 0; n < pages; n++) {
    if (n === 0) await page.goto(world.pageUrl(siteId, path), { waitUntil: "load" });
    await pause(rand(500, 1200));
    await wander(page);
    for (let i = rand(1, 3); i > 0; i--) {
      await page.mouse.wheel(0, rand(150, 500));
      await pause(rand(300, 900));
    }
    if (Math.random() < 0.4) {
      await clickOn(page, "#q");
      await page.keyboard.type(pick(["shoes", "gift card", "returns"]), { delay: rand(60, 140) });
    }
    await pause(rand(800, 2000));
    if (n === pages - 1) break;
    // On to another page by its link, as a person does: move there, then click.
    path = pick(SITE_PATHS.filter((other) => other !== path));
    await page.mouse.wheel(0, -5000);
    await pause(rand(200, 500));
    await Promise.all([page.waitForURL(`**${path}`), clickOn(page, `nav #to-${slug(path)}`)]);
    await page.waitForLoadState("load");
  }
};

/** A reader: the page stays open for a few seconds and is closed without any input. */
export const reader: Behaviour = async (page, world, siteId) => {
  await page.goto(world.pageUrl(siteId, pick(SITE_PATHS)), { waitUntil: "load" });
  await pause(rand(4500, 7000));
};

/**
 * A headless bot with a normal User-Agent: waits, or clicks, scrolls and types through page
 * JavaScript (untrusted events), sometimes navigates by script, and leaves after a few seconds.
 */
export const headless: Behaviour = async (page, world, siteId) => {
  await page.goto(world.pageUrl(siteId, pick(SITE_PATHS)), { waitUntil: "load" });
  const style = rand(0, 2);
  await pause(rand(1000, 2500));
  if (style >= 1) {
    await page.evaluate(() => {
      scrollTo(0, 600 + Math.random() * 800);
      document.querySelector<HTMLButtonElement>("#buy")!.click();
      for (const type of ["pointerdown", "mousedown", "mouseup", "click"]) {
        document.body.dispatchEvent(new MouseEvent(type, { bubbles: true, clientX: 50 }));
      }
      document.dispatchEvent(new KeyboardEvent("keydown", { key: "a", bubbles: true }));
      dispatchEvent(new WheelEvent("wheel", { deltaY: 300, bubbles: true }));
    });
  }
  await pause(rand(2500, 4000));
  if (style === 2) {
    const next = pick(SITE_PATHS);
    await page.evaluate((href) => location.assign(href), next);
    await page.waitForLoadState("load");
    await pause(rand(1500, 3000));
  }
};

/** Trusted pointer movement along a few curved strokes (pointermove with real coordinates). */
async function wander(page: Page): Promise<void> {
  const size = page.viewportSize()!;
  for (let i = rand(2, 4); i > 0; i--) {
    await page.mouse.move(rand(20, size.width - 20), rand(20, size.height - 20), {
      steps: rand(8, 25),
    });
    await pause(rand(80, 300));
  }
}

/** Moves the mouse to the middle of `selector` in steps and clicks it (trusted input). */
async function clickOn(page: Page, selector: string): Promise<void> {
  const box = await page.locator(selector).first().boundingBox();
  if (!box) throw new Error(`${selector} is not on the page`);
  const x = box.x + box.width / 2;
  const y = box.y + box.height / 2;
  await page.mouse.move(x, y, { steps: rand(6, 15) });
  await pause(rand(80, 250));
  await page.mouse.click(x, y, { delay: rand(40, 110) });
}
