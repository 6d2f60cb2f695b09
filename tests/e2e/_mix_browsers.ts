// How the browser classes of the traffic-mix test behave, written against a small `Tab` that both
// drivers provide (Playwright for Chromium, Puppeteer over WebDriver BiDi for Firefox): a person
// (trusted mouse, wheel and keyboard input, sometimes moving on to other pages by clicking a
// link), a reader who never touches the page, and a headless bot that only waits or acts through
// page JavaScript.
import { SITE_PATHS, slug, type World } from "./_mix_world.ts";
import { pause, pick, rand } from "./_mix_pace.ts";

/** What a behaviour does with a tab; input goes through the driver, so the page sees it trusted. */
export interface Tab {
  goto(url: string): Promise<void>;
  size(): { width: number; height: number };
  move(x: number, y: number, steps: number): Promise<void>;
  wheel(deltaY: number): Promise<void>;
  click(x: number, y: number, holdMs: number): Promise<void>;
  type(text: string, delayMs: number): Promise<void>;
  box(selector: string): Promise<{ x: number; y: number; width: number; height: number } | null>;
  /** Runs `action` and waits for the navigation it causes to load. */
  navigating(action: () => Promise<unknown>): Promise<void>;
  /** Slows the tab's network down to `latencyMs` per request and `kbps` both ways. */
  throttle(latencyMs: number, kbps: number): Promise<void>;
  /** Runs page JavaScript (untrusted events). */
  script(fn: (arg: string) => unknown, arg: string): Promise<unknown>;
}

export type Behaviour = (tab: Tab, world: World, siteId: string) => Promise<void>;

/** The browser classes' visitors arrive through the page of one site, as a new tab. */
export type Visit = (
  world: World,
  siteId: string,
  ip: string,
  behaviour: Behaviour,
) => Promise<void>;

/** A driver's tab for one visitor, how the visitor leaves it, and how its context is closed. */
export interface VisitorTab {
  tab: Tab;
  leave(): Promise<void>;
  close(): Promise<void>;
}

/**
 * One visit through a driver: a proxy that gives the visitor's requests the address `ip`, a tab
 * opened by `open` behind it, the behaviour, then the visitor leaves (pagehide: the tracker's
 * last beacons, given a moment to go out as keepalive requests).
 */
export async function runVisit(
  world: World,
  siteId: string,
  ip: string,
  behaviour: Behaviour,
  open: (proxyServer: string) => Promise<VisitorTab>,
): Promise<void> {
  const proxy = world.visitorProxy(ip);
  try {
    const visitor = await open(proxy.server);
    try {
      await behaviour(visitor.tab, world, siteId);
      await visitor.leave();
      await pause(400);
    } finally {
      await visitor.close();
    }
  } finally {
    await proxy.close();
  }
}

export const VIEWPORTS = [
  { width: 1366, height: 768 },
  { width: 1280, height: 800 },
  { width: 1440, height: 900 },
];

/** A person: looks, moves the mouse, scrolls with the wheel, sometimes types, reads on. */
export const person: Behaviour = async (tab, world, siteId) => {
  let path: string = pick(SITE_PATHS);
  const pages = rand(1, 3);
  for (let n = 0; n < pages; n++) {
    if (n === 0) await tab.goto(world.pageUrl(siteId, path));
    await pause(rand(400, 1000));
    await wander(tab);
    for (let i = rand(1, 3); i > 0; i--) {
      await tab.wheel(rand(150, 500));
      await pause(rand(250, 700));
    }
    if (Math.random() < 0.3) {
      await clickOn(tab, "#q");
      await tab.type(pick(["shoes", "gift card", "returns"]), rand(50, 120));
    }
    await pause(rand(600, 1500));
    world.pagesSeen.set(siteId, (world.pagesSeen.get(siteId) ?? 0) + 1);
    if (n === pages - 1) break;
    // On to another page by its link, as a person does: move there, then click.
    path = pick(SITE_PATHS.filter((other) => other !== path));
    await tab.navigating(() => clickOn(tab, `nav #to-${slug(path)}`));
  }
};

/** A person on a slow mobile connection (400 ms per request, 400 kbit/s). */
export const slowPerson: Behaviour = async (tab, world, siteId) => {
  await tab.throttle(400, 400);
  await person(tab, world, siteId);
};

/** A reader: the page stays open for a few seconds and is closed without any input. */
export const reader: Behaviour = async (tab, world, siteId) => {
  await tab.goto(world.pageUrl(siteId, pick(SITE_PATHS)));
  await pause(rand(4500, 7000));
};

/**
 * A headless bot with a normal User-Agent: waits, or clicks, scrolls and types through page
 * JavaScript (untrusted events), sometimes navigates by script, and leaves after a few seconds.
 */
export const headless: Behaviour = async (tab, world, siteId) => {
  const path = pick(SITE_PATHS);
  await tab.goto(world.pageUrl(siteId, path));
  const style = rand(0, 2);
  await pause(rand(1500, 2500));
  if (style >= 1) {
    await tab.script(() => {
      scrollTo(0, 600 + Math.random() * 800);
      document.querySelector<HTMLButtonElement>("#buy")!.click();
      for (const type of ["pointerdown", "mousedown", "mouseup", "click"]) {
        document.body.dispatchEvent(new MouseEvent(type, { bubbles: true, clientX: 50 }));
      }
      document.dispatchEvent(new KeyboardEvent("keydown", { key: "a", bubbles: true }));
      dispatchEvent(new WheelEvent("wheel", { deltaY: 300, bubbles: true }));
    }, "");
  }
  // At least 4.5 s in all: the tracker sends the view of a tab hidden after 4 s.
  await pause(rand(3000, 4500));
  if (style === 2) {
    const next = pick(SITE_PATHS.filter((other) => other !== path));
    await tab.navigating(() => tab.script((href) => location.assign(href), next));
    await pause(rand(1500, 3000));
  }
};

/** Trusted pointer movement along a few curved strokes (pointermove with real coordinates). */
async function wander(tab: Tab): Promise<void> {
  const size = tab.size();
  for (let i = rand(2, 4); i > 0; i--) {
    await tab.move(rand(20, size.width - 20), rand(20, size.height - 20), rand(8, 25));
    await pause(rand(80, 300));
  }
}

/** Scrolls `selector` into view with the wheel, moves the mouse to its middle and clicks it. */
export async function clickOn(tab: Tab, selector: string): Promise<void> {
  const { height } = tab.size();
  for (let attempt = 0;; attempt++) {
    const box = await tab.box(selector);
    if (!box) throw new Error(`${selector} is not on the page`);
    if (box.y >= 0 && box.y + box.height <= height) {
      const x = box.x + box.width / 2;
      const y = box.y + box.height / 2;
      await tab.move(x, y, rand(6, 15));
      await pause(rand(80, 250));
      return await tab.click(x, y, rand(40, 110));
    }
    if (attempt === 5) throw new Error(`${selector} stays out of view`);
    // Smooth scrolling settles within a few hundred milliseconds.
    await tab.wheel(Math.round(box.y - height / 2));
    await pause(rand(500, 800));
  }
}
