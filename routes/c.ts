// GET /c?s=<site>&e=<epoch>: a fresh proof-of-work challenge for long-lived pages and for the
// generic /ea.js (which embeds none). The WASM module comes along only when the client's epoch is
// not the current one. Never cached: a challenge belongs to one visitor (docs/architecture.md,
// decision 3).
import { SITE_ID_PATTERN } from "../lib/config.ts";
import { jsonError } from "../lib/http_error.ts";
import { clientIp } from "../lib/ingest/client_ip.ts";
import { MAX_DIFFICULTY, parseChallenge } from "../lib/pow/mod.ts";
import type { Services } from "../lib/services.ts";
import type { Ctx } from "../lib/state.ts";
import type { ChallengeResponse, SiteSettings } from "../tracker/inject.ts";

/** Request headers that raise the difficulty (so caches must keep responses apart). */
export const DIFFICULTY_HEADERS = ["accept-language", "sec-fetch-site", "sec-ch-ua"];
/** Extra leading zero bits per suspicious trait: each doubles the expected work twice. */
const SUSPICION_BITS = 2;

/**
 * Adaptive difficulty (issue 4 item 4): browsers send Accept-Language, and current ones send
 * Sec-Fetch-Site or Sec-CH-UA; scripts usually send neither, so they pay more work per token.
 */
export function difficultyFor(headers: Headers, base: number): number {
  let difficulty = base;
  if (!headers.get("accept-language")) difficulty += SUSPICION_BITS;
  if (!headers.get("sec-fetch-site") && !headers.get("sec-ch-ua")) difficulty += SUSPICION_BITS;
  return Math.min(difficulty, MAX_DIFFICULTY);
}

/**
 * The difficulty for this request: the adaptive one, plus ECHELON_HOSTING_POW_BITS when the
 * client's IP is on a hosting network (issue 14 item 4), so solving in bulk from data centres
 * costs real CPU while people keep the normal work. The collectors check that hits from such a
 * network carry a token of at least that much (lib/ingest/network_steps.ts).
 */
export function challengeDifficulty(ctx: Ctx): number {
  const { config, hosting } = ctx.state.services;
  const headers = ctx.req.headers;
  const base = difficultyFor(headers, config.powDifficulty);
  if (config.hostingPowBits === 0 || !hosting.available) return base;
  const ip = clientIp(headers, ctx.remoteAddr, config);
  if (hosting.hostingAsn(ip) === null) return base;
  return Math.min(base + config.hostingPowBits, MAX_DIFFICULTY);
}

/** The collection settings the tracker applies in the page, from the collectors' cache. */
export function siteSettingsFor(services: Services, site: string): SiteSettings {
  const settings = services.collect.caches.settings(site);
  return {
    query: settings.queryAllowlist,
    formValues: settings.sendFormValues,
    consentCss: settings.consentCss,
    anon: services.config.anonymizeSites.includes(site),
  };
}

/** The site as challenges name it: the collectors compare site ids in lower case. */
export function challengeSite(raw: string | null): string | null {
  return raw !== null && SITE_ID_PATTERN.test(raw) ? raw.toLowerCase() : null;
}

export const handler = {
  GET(ctx: Ctx) {
    const services = ctx.state.services;
    const { config, pow } = services;
    const params = ctx.url.searchParams;
    const raw = params.get("s");
    const site = challengeSite(raw);
    if (!site) {
      return jsonError(
        400,
        "invalid_site",
        `s must be 1-64 characters of A-Z a-z 0-9 . _ -, got ${JSON.stringify(raw?.slice(0, 80))}`,
        { "cache-control": "no-store" },
      );
    }
    const difficulty = challengeDifficulty(ctx);
    const challenge = pow.issue(site, difficulty);
    const module = pow.currentModule();
    const issuedAt = parseChallenge(challenge)!.issuedAt;
    const body: ChallengeResponse = {
      challenge,
      difficulty,
      expiresAt: issuedAt * 1000 + config.challengeWindowMinutes * 60_000,
      epoch: module.epoch,
      site: siteSettingsFor(services, site),
    };
    if (params.get("e") !== String(module.epoch)) body.wasm = module.hex;
    return Response.json(body, {
      headers: { "cache-control": "no-store", vary: DIFFICULTY_HEADERS.join(", ") },
    });
  },
};
