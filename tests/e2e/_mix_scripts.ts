// The script classes of the traffic-mix test: HTTP clients that speak the tracker's protocol with a
// complete, current browser header set (User-Agent, Accept-Language, Sec-CH-UA, Sec-Fetch-*,
// Referer) and realistic parameters (screen, interaction time, even the `it` interaction summary),
// each visitor from its own address — without a token, with a forged one, with one solved token
// replayed from many addresses, with the tracker's WebAssembly solved in Deno (no DOM) plus the
// events a page would send, and known bots under their own names.
import { solveChallenge } from "../../lib/pow/solver.ts";
import { FORGE_STRATEGIES, forgeEvidence } from "../_forge.ts";
import type { World } from "./_mix_world.ts";
import { SITE_PATHS } from "./_mix_world.ts";
import { pause, pick, rand } from "./_mix_pace.ts";

/** What a script visitor puts in `tok`, given its page URL and its fetch helper. */
export type TokenSource = (client: ScriptClient) => Promise<string | null>;

const CHROME = "156";
/** Current desktop browsers, each with the client hints it really sends. */
const BROWSERS = [
  {
    ua: `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) ` +
      `Chrome/${CHROME}.0.0.0 Safari/537.36`,
    platform: '"Windows"',
    brands: `"Chromium";v="${CHROME}", "Google Chrome";v="${CHROME}", "Not.A/Brand";v="99"`,
  },
  {
    ua: `Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) ` +
      `Chrome/${CHROME}.0.0.0 Safari/537.36`,
    platform: '"macOS"',
    brands: `"Chromium";v="${CHROME}", "Google Chrome";v="${CHROME}", "Not.A/Brand";v="99"`,
  },
  {
    ua: `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) ` +
      `Chrome/${CHROME}.0.0.0 Safari/537.36 Edg/${CHROME}.0.0.0`,
    platform: '"Windows"',
    brands: `"Chromium";v="${CHROME}", "Microsoft Edge";v="${CHROME}", "Not.A/Brand";v="99"`,
  },
];
const LANGUAGES = ["en-GB,en;q=0.9", "en-US,en;q=0.9", "de-DE,de;q=0.9,en;q=0.8", "fr-FR,fr;q=0.9"];
const SCREENS = [[1920, 1080], [1536, 864], [1366, 768], [2560, 1440], [1440, 900]];

/** One scripted visitor: a browser identity, an address, and requests shaped like a tab's. */
export class ScriptClient {
  readonly sid = crypto.randomUUID();
  readonly #browser = pick(BROWSERS);
  readonly #language = pick(LANGUAGES);
  readonly #screen = pick(SCREENS);
  readonly pageOrigin: string;

  constructor(readonly world: World, readonly siteId: string, readonly ip: string) {
    this.pageOrigin = new URL(world.pageUrl(siteId, "/")).origin;
  }

  /** Headers Chrome sends for a subresource of the customer's page (`dest`: image, script, empty). */
  headers(dest: "image" | "script" | "empty"): Record<string, string> {
    return {
      "user-agent": this.#browser.ua,
      "accept": dest === "image"
        ? "image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8"
        : "*/*",
      "accept-encoding": "gzip, deflate, br, zstd",
      "accept-language": this.#language,
      "sec-ch-ua": this.#browser.brands,
      "sec-ch-ua-mobile": "?0",
      "sec-ch-ua-platform": this.#browser.platform,
      "sec-fetch-dest": dest,
      "sec-fetch-mode": dest === "empty" ? "cors" : "no-cors",
      "sec-fetch-site": "cross-site",
      // strict-origin-when-cross-origin: a cross-site request carries the page's origin only.
      "referer": this.pageOrigin + "/",
      ...(dest === "empty" ? { origin: this.pageOrigin } : {}),
      "x-forwarded-for": this.ip,
    };
  }

  async get(path: string, dest: "image" | "script" | "empty"): Promise<Response> {
    const res = await fetch(this.world.app + path, { headers: this.headers(dest) });
    await res.body?.cancel();
    return res;
  }

  async json<T>(path: string): Promise<T> {
    const res = await fetch(this.world.app + path, { headers: this.headers("empty") });
    if (!res.ok) throw new Error(`${path}: ${res.status}`);
    return await res.json();
  }

  /** The page view beacon, with everything the tracker sends (`it` as a person's would read). */
  async view(path: string, options: { tok: string | null; first: boolean }): Promise<number> {
    const query: Record<string, string> = {
      p: btoa(path),
      s: this.siteId,
      sid: this.sid,
      _v: String(rand(1200, 9000)),
      sw: String(this.#screen[0]),
      sh: String(this.#screen[1]),
      it: `${pick([17, 21, 23])}.${rand(20, 300)}.${rand(800, 9000)}`,
    };
    if (options.first && Math.random() < 0.5) query.ref = btoa("https://www.google.com");
    if (options.tok) {
      query.tok = options.tok;
      query.ps = String(rand(4, 40));
    }
    const res = await this.get(`/b.gif?${new URLSearchParams(query)}`, "image");
    return res.status;
  }

  /** A batch of events as the tracker posts it (sendBeacon: text/plain, no preflight). */
  async events(events: { type: string; data: Record<string, unknown> }[], tok: string | null) {
    const res = await fetch(this.world.app + "/e", {
      method: "POST",
      headers: { ...this.headers("empty"), "content-type": "text/plain;charset=UTF-8" },
      body: JSON.stringify({
        events: events.map((event) => ({ ...event, sessionId: this.sid })),
        siteId: this.siteId,
        ...(tok ? { tok } : {}),
      }),
    });
    await res.body?.cancel();
    return res.status;
  }
}

interface ChallengeAnswer {
  challenge: string;
  wasm?: string;
  expiresAt: number;
}

/** Solves a fresh challenge of `/c` with its WebAssembly in Deno: no DOM, no page, no browser. */
export async function solveOutsideBrowser(client: ScriptClient): Promise<string> {
  const answer = await client.json<ChallengeAnswer>(`/c?s=${client.siteId}&e=0`);
  if (!answer.wasm) throw new Error("/c sent no module for epoch 0");
  const bytes = Uint8Array.from(answer.wasm.match(/../g)!, (hex) => parseInt(hex, 16));
  const difficulty = Number(answer.challenge.split(":")[4]);
  // It read our tracker: the token must carry browser evidence, which it fabricates without a
  // canvas (tests/_forge.ts strategies: average widths, copied or rescaled values).
  const evidence = forgeEvidence(answer.challenge, pick(FORGE_STRATEGIES));
  return solveChallenge(bytes, answer.challenge, difficulty, { evidence }).token;
}

/** A token that looks right but proves nothing: a real challenge with a guessed nonce, or a
 * challenge made up field by field. */
export async function forgeToken(client: ScriptClient): Promise<string> {
  if (Math.random() < 0.5) {
    const { challenge } = await client.json<ChallengeAnswer>(`/c?s=${client.siteId}&e=0`);
    return `${challenge}:${rand(0, 50)}`;
  }
  const epoch = Math.floor(client.world.t.clock.now / 21_600_000);
  const issued = Math.floor(client.world.t.clock.now / 1000) - rand(5, 60);
  const salt = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(12))))
    .replaceAll("+", "-").replaceAll("/", "_");
  const mac = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))))
    .replaceAll("+", "-").replaceAll("/", "_").slice(0, 21) + "A";
  return `1:${client.siteId}:${epoch}:${issued}:16:${salt}:${mac}:${rand(0, 99999)}`;
}

/** A script visitor: arrives, views 1–3 pages a few seconds apart, sends `events` if asked. */
export async function scriptVisit(
  client: ScriptClient,
  token: TokenSource,
  options: { withEvents?: boolean; loadsScript?: boolean } = {},
): Promise<void> {
  if (options.loadsScript) await client.get(`/ea.js`, "script");
  const tok = await token(client);
  const pages = rand(1, 3);
  for (let n = 0; n < pages; n++) {
    const path = pick(SITE_PATHS);
    const status = await client.view(path, { tok, first: n === 0 });
    if (status !== 200) throw new Error(`/b.gif answered ${status}`);
    const engaged = rand(2500, 20_000);
    await pause(Math.min(engaged, rand(1500, 4000)));
    if (options.withEvents) {
      const depth = pick([25, 50, 75, 100]);
      const events: { type: string; data: Record<string, unknown> }[] = [25, 50, 75, 90, 100]
        .filter((d) => d <= depth)
        .map((d) => ({ type: "scroll_depth", data: { depth: d, path } }));
      events.push({ type: "pageview_end", data: { engaged_ms: engaged, scroll_pct: depth, path } });
      const status = await client.events(events, tok);
      if (status !== 204) throw new Error(`/e answered ${status}`);
    }
  }
}

/** Crawlers, AI agents and HTTP libraries under their own names, calling the beacon directly. */
export const KNOWN_BOT_AGENTS = [
  "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)",
  "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; ClaudeBot/1.0; +claudebot@anthropic.com)",
  "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; PerplexityBot/1.0; +https://perplexity.ai/perplexitybot)",
  "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
  "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
  "curl/8.5.0",
  "python-requests/2.32.3",
  "Go-http-client/1.1",
  "axios/1.7.7",
  "Scrapy/2.11.2 (+https://scrapy.org)",
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36",
];

/** A known bot fetching the beacon the way a crawler would: its own UA, few headers. */
export async function knownBotVisit(world: World, siteId: string, ip: string, ua: string) {
  for (const path of [pick(SITE_PATHS), pick(SITE_PATHS)]) {
    const query = new URLSearchParams({ p: btoa(path), s: siteId, _v: String(rand(1000, 5000)) });
    const res = await fetch(`${world.app}/b.gif?${query}`, {
      headers: { "user-agent": ua, "accept": "*/*", "x-forwarded-for": ip },
    });
    await res.body?.cancel();
    await pause(rand(500, 2000));
  }
}
