// Chromium (ECHELON_CHROMIUM, else found on PATH: _browser_path.ts) driven by playwright-core: a
// fresh profile per launch, the flags this environment needs, and a page-error collector so every
// test can assert "no errors".
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { CHROMIUM, requireBrowser } from "./_browser_path.ts";

/** The Chromium executable to launch; throws naming ECHELON_CHROMIUM when there is none. */
export function chromiumPath(): string {
  return requireBrowser(CHROMIUM);
}

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  errors: string[];
  close(): Promise<void>;
}

/** A desktop Chrome UA: the headless default says "HeadlessChrome", which we count as a bot. */
export const DESKTOP_UA =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";

/**
 * The flags this environment needs. The UA is also set as a flag: beacons sent while a page
 * unloads bypass Playwright's override and would otherwise say "HeadlessChrome" (a known bot).
 */
export function chromiumArgs(userAgent: string): string[] {
  return [
    `--user-agent=${userAgent}`,
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ];
}

export async function openBrowser(options: { userAgent?: string } = {}): Promise<BrowserSession> {
  const profile = await Deno.makeTempDir({ prefix: "echelon-chromium-" });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(),
    headless: true,
    userAgent: options.userAgent ?? DESKTOP_UA,
    args: chromiumArgs(options.userAgent ?? DESKTOP_UA),
  });
  const page = context.pages()[0] ?? await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("console", (msg) => {
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

/** Options every browser test needs: playwright keeps timers and sockets open between steps. */
export const BROWSER_TEST = { sanitizeOps: false, sanitizeResources: false } as const;
