// GET /b.gif: the page-view pipeline. Parameters are the reference tracker's (p, s, sid, _v, sw,
// sh, ref, pwa, ck, tok, uc/us/um/uct/ut) plus `ps`, the client's proof-of-work solve time.
// Other wire formats (Nanolytica's collect payload) plug in their own decoder and share the rest.
import type { ViewRow } from "../store/rows.ts";
import { BURST_WINDOW_MS, mainReason, scoreHit } from "../bots/score.ts";
import { decodeBase64Text, parseIntParam } from "./encoding.ts";
import type { Interaction, ViewHit } from "./hit.ts";
import { normalisePagePath } from "./page_path.ts";
import { hostingStep, tlsFingerprintStep } from "./network_steps.ts";
import type { Step } from "./pipeline.ts";
import { evidenceStep } from "./evidence_step.ts";
import { classifyReferrer } from "./referrer.ts";
import {
  type CollectorDeps,
  countryStep,
  crawlerFeedStep,
  exclusionStep,
  isRecordedCampaign,
  knownBotStep,
  originStep,
  powStep,
  privacyStep,
  rateLimitStep,
  registerSiteStep,
  siteStep,
  thresholdStep,
  userAgentStep,
} from "./steps.ts";
import { isoTimestamp } from "./types.ts";
import { deviceFromScreen } from "./user_agent.ts";

const SESSION_ID = /^[0-9a-f-]{36}$/;
const MAX_INTERACTION_MS = 3_600_000;
const INTERACTION = /^(\d{1,2})\.(\d{1,3})\.(\d{1,5})$/;

/**
 * The `it` parameter, `<kinds>.<moves>.<distance>` (kinds: bits of INTERACTION_KINDS, < 32).
 * Anything else reads as no interaction: the view is still stored, as unverified.
 */
export function parseInteraction(value: string | null): Interaction | null {
  const match = value === null ? null : INTERACTION.exec(value);
  if (!match) return null;
  const kinds = Number(match[1]);
  return kinds < 32 ? { kinds, moves: Number(match[2]), distance: Number(match[3]) } : null;
}

/**
 * How a request becomes a view hit. `parse` runs before the known-bot check and sets only the
 * site and the report path; `validate` runs after the site rules and fills in everything else
 * (path, session, screen, token, UTM, `referrerUrl`), or drops the hit as invalid.
 */
export interface ViewDecoder<H extends ViewHit> {
  parse: Step<H>;
  validate: Step<H>;
}

/** The /b.gif query parameters. */
export function beaconDecoder(deps: CollectorDeps): ViewDecoder<ViewHit> {
  return { parse: parseStep(), validate: validateStep(deps) };
}

export function viewSteps<H extends ViewHit = ViewHit>(
  deps: CollectorDeps,
  store: (row: ViewRow) => boolean,
  decoder: ViewDecoder<H> = beaconDecoder(deps),
): Step<H>[] {
  return [
    rateLimitStep(deps),
    originStep(deps),
    privacyStep(),
    decoder.parse,
    knownBotStep(deps),
    siteStep(deps),
    decoder.validate,
    identityStep(deps),
    exclusionStep(deps),
    userAgentStep(deps),
    countryStep(deps),
    referrerStep(),
    utmStep(deps),
    powStep(deps),
    evidenceStep<H>((hit) =>
      hit.screenGiven ? { width: hit.screenWidth, height: hit.screenHeight } : null
    ),
    crawlerFeedStep(deps),
    hostingStep(deps),
    tlsFingerprintStep(deps),
    scoreStep(deps),
    thresholdStep(deps),
    registerSiteStep(deps),
    { name: "store", run: (hit) => (store(toRow(hit)) ? undefined : "buffer_full") },
  ];
}

/** Reads the cheap fields first so even a dropped bot hit is reported with its site and path. */
function parseStep(): Step<ViewHit> {
  return {
    name: "parse",
    run(hit) {
      const q = hit.params;
      hit.siteId = (q.get("s") ?? "default").trim().toLowerCase() || "default";
      // Base64 of a path always starts with "L" ("/" = 0x2F), so a leading "/" means the
      // path was sent as is (a noscript <img> or a server-side hit).
      const p = q.get("p");
      const raw = rawPath(p) ?? decodeBase64Text(p, 4096);
      hit.path = raw ?? "";
      hit.reportPath = raw?.split(/[?#]/)[0].slice(0, 512) || "/";
    },
  };
}

function rawPath(value: string | null): string | null {
  return value && value.startsWith("/") ? value : null;
}

function validateStep(deps: CollectorDeps): Step<ViewHit> {
  return {
    name: "validate",
    run(hit) {
      const q = hit.params;
      const page = normalisePagePath(hit.path, deps.caches.settings(hit.siteId).queryAllowlist);
      if (!page) return "invalid_payload";
      hit.path = page.path;
      const v = q.get("_v");
      if (v === "spa") {
        hit.isSpa = true;
        hit.interactionMs = null;
      } else {
        const ms = parseIntParam(v, 0, MAX_INTERACTION_MS);
        if (ms === null) return "invalid_payload";
        hit.interactionMs = ms;
      }
      const sid = q.get("sid");
      hit.sessionId = sid && SESSION_ID.test(sid) ? sid : null;
      hit.screenGiven = q.has("sw") || q.has("sh");
      hit.screenWidth = parseIntParam(q.get("sw"), -100_000, 100_000);
      hit.screenHeight = parseIntParam(q.get("sh"), -100_000, 100_000);
      hit.isPwa = q.get("pwa") === "1";
      hit.cookieMode = q.get("ck") === "1";
      hit.token = q.get("tok");
      hit.powSolveMs = parseIntParam(q.get("ps"), 0, 600_000);
      hit.interaction = parseInteraction(q.get("it"));
      hit.referrerUrl = decodeBase64Text(q.get("ref"), 2048);
      const utm = page.utm;
      const b64 = (name: string) => decodeBase64Text(q.get(name), 256);
      hit.utm = {
        campaign: b64("uc") ?? utm.utm_campaign ?? null,
        source: b64("us") ?? utm.utm_source ?? null,
        medium: b64("um") ?? utm.utm_medium ?? null,
        content: b64("uct") ?? utm.utm_content ?? null,
        term: b64("ut") ?? utm.utm_term ?? null,
      };
    },
  };
}

function identityStep(deps: CollectorDeps): Step<ViewHit> {
  return {
    name: "identity",
    run(hit) {
      const f = hit.facts;
      if (hit.cookieMode) {
        const identity = deps.identity.fromCookie(f.headers.get("cookie"), { secure: f.secure });
        hit.visitorId = identity.visitorId;
        hit.isReturning = identity.isReturning;
        hit.setCookie = identity.setCookie;
      } else {
        hit.visitorId = deps.identity.cookieless(f.ip, f.userAgent, hit.siteId, f.date);
      }
    },
  };
}

function referrerStep(): Step<ViewHit> {
  return {
    name: "referrer",
    run(hit) {
      hit.referrer = classifyReferrer(hit.referrerUrl, hit.pageHost);
    },
  };
}

/** UTM values are recorded for active registered campaigns only (the reference's whitelist):
 * otherwise all five fields go. ECHELON_UTM_RECORD_ALL=true keeps every value, even without a
 * utm_campaign. */
function utmStep(deps: CollectorDeps): Step<ViewHit> {
  return {
    name: "utm",
    run(hit) {
      const campaign = hit.utm.campaign;
      const kept = campaign
        ? isRecordedCampaign(deps, hit.siteId, campaign)
        : deps.config.utmRecordAll;
      if (!kept) {
        hit.utm = { campaign: null, source: null, medium: null, content: null, term: null };
      }
    },
  };
}

function scoreStep(deps: CollectorDeps): Step<ViewHit> {
  const c = deps.config;
  return {
    name: "score",
    run(hit) {
      const burstCount = deps.ephemeral.increment(
        `burst:${hit.facts.ip}`,
        BURST_WINDOW_MS,
        hit.facts.now,
      );
      const result = scoreHit({
        kind: "view",
        headers: hit.facts.headers,
        behindCloudflare: c.behindCloudflare && hit.facts.viaTrustedProxy,
        powVerdict: hit.powVerdict,
        interactionMs: hit.interactionMs,
        interaction: hit.interaction,
        country: hit.country,
        suspectCountries: c.suspectCountries,
        siteSuspectCountries: c.siteSuspectCountries.get(hit.siteId) ?? [],
        suspectPoints: c.suspectPoints,
        burstCount,
        screenWidth: hit.screenWidth,
        screenHeight: hit.screenHeight,
        screenGiven: hit.screenGiven,
        referrerType: hit.referrer.type,
        path: hit.path,
        extra: hit.signals,
      });
      hit.score = result.score;
      hit.scoreDetail = result.detail;
    },
  };
}

function toRow(hit: ViewHit): ViewRow {
  const ua = hit.userAgent;
  return {
    visitor_id: hit.visitorId,
    session_id: hit.sessionId,
    site_id: hit.siteId,
    path: hit.path,
    interaction_ms: hit.interactionMs,
    is_spa: hit.isSpa ? 1 : 0,
    screen_width: hit.screenWidth,
    screen_height: hit.screenHeight,
    // The UA knows phones and most tablets; iPads claim desktop macOS, so the screen decides then.
    device_type: ua?.deviceType === "mobile" || ua?.deviceType === "tablet"
      ? ua.deviceType
      : deviceFromScreen(hit.screenWidth) ?? ua?.deviceType ?? null,
    os_name: ua?.os ?? null,
    os_version: ua?.osVersion ?? null,
    browser_name: ua?.browser ?? null,
    browser_version: ua?.browserVersion ?? null,
    country_code: hit.country,
    region: hit.region,
    city: hit.city,
    is_returning: hit.isReturning ? 1 : 0,
    is_pwa: hit.isPwa ? 1 : 0,
    referrer: hit.referrer.origin,
    referrer_domain: hit.referrer.domain,
    referrer_type: hit.referrer.type,
    utm_source: hit.utm.source,
    utm_medium: hit.utm.medium,
    utm_campaign: hit.utm.campaign,
    utm_content: hit.utm.content,
    utm_term: hit.utm.term,
    pow_verdict: hit.powVerdict,
    pow_solve_ms: hit.powSolveMs,
    bot_score: hit.score,
    bot_score_detail: JSON.stringify(hit.scoreDetail),
    bot_reason: mainReason(hit.score, hit.scoreDetail),
    created_at: isoTimestamp(hit.facts.now),
  };
}
