// POST /e: the behaviour-event pipeline. One score per request, shared by its events; each event
// is validated on its own (bad ones are skipped, not the batch).
import type { EventRow } from "../store/rows.ts";
import { mainReason, scoreHit } from "../bots/score.ts";
import { MAX_TOKEN_LENGTH } from "../pow/mod.ts";
import { cleanString } from "./encoding.ts";
import { evidenceStep } from "./evidence_step.ts";
import type { HitBase } from "./hit.ts";
import { hostingStep, tlsFingerprintStep } from "./network_steps.ts";
import type { Step } from "./pipeline.ts";
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
  registerSiteStep,
  siteStep,
  thresholdStep,
  userAgentStep,
} from "./steps.ts";

export const EVENT_TYPES = new Set([
  "bounce",
  "session_end",
  "session_resume",
  "scroll_depth",
  "click",
  "ad_click",
  "form_focus",
  "form_blur",
  "form_submit",
  "hover",
  "outbound",
  "download",
  "web_vital",
  "custom",
  "pageview_end",
  "exposure",
]);
export const MAX_EVENTS = 20;
export const MAX_EVENT_DATA = 2048;
export const MAX_EVENT_BODY = 16_384;
const SESSION_ID = /^[0-9a-f-]{36}$/;

export interface EventsHit extends HitBase {
  body: unknown;
  events: EventRow[];
}

export function eventSteps(
  deps: CollectorDeps,
  store: (rows: EventRow[]) => boolean,
): Step<EventsHit>[] {
  return [
    originStep(deps),
    privacyStep(),
    parseStep(),
    knownBotStep(deps),
    siteStep(deps),
    identityStep(deps),
    exclusionStep(deps),
    userAgentStep(deps),
    countryStep(deps),
    powStep(deps),
    evidenceStep(),
    crawlerFeedStep(deps),
    hostingStep(deps),
    tlsFingerprintStep(deps),
    scoreStep(deps),
    thresholdStep(deps),
    eventsStep(deps),
    registerSiteStep(deps),
    {
      name: "store",
      run: (hit) => (hit.events.length === 0 || store(hit.events) ? undefined : "buffer_full"),
    },
  ];
}

function parseStep(): Step<EventsHit> {
  return {
    name: "parse",
    run(hit) {
      const body = hit.body as { events?: unknown; siteId?: unknown; tok?: unknown } | null;
      if (typeof body !== "object" || body === null || Array.isArray(body)) {
        return "invalid_payload";
      }
      const site = typeof body.siteId === "string" ? body.siteId.trim().toLowerCase() : "default";
      hit.siteId = site || "default";
      // Longer than a token can be is invalid anyway; the cut keeps it "invalid", not "missing".
      hit.token = typeof body.tok === "string" ? body.tok.slice(0, MAX_TOKEN_LENGTH + 1) : null;
      const first = Array.isArray(body.events)
        ? body.events[0] as { data?: { path?: unknown } }
        : null;
      const path = typeof first?.data?.path === "string" ? first.data.path : "/";
      hit.reportPath = path.split(/[?#]/)[0].slice(0, 512) || "/";
      if (!Array.isArray(body.events) || body.events.length === 0) return "invalid_payload";
    },
  };
}

function identityStep(deps: CollectorDeps): Step<EventsHit> {
  return {
    name: "identity",
    run(hit) {
      const f = hit.facts;
      const cookie = deps.identity.cookieId(f.headers.get("cookie"));
      hit.visitorId = cookie ?? deps.identity.cookieless(f.ip, f.userAgent, hit.siteId, f.date);
      hit.isReturning = cookie !== null;
    },
  };
}

function scoreStep(deps: CollectorDeps): Step<EventsHit> {
  const c = deps.config;
  return {
    name: "score",
    run(hit) {
      // Events read the burst counter; only page views add to it.
      const burstCount = deps.ephemeral.count(`burst:${hit.facts.ip}`, hit.facts.now);
      const result = scoreHit({
        kind: "events",
        headers: hit.facts.headers,
        behindCloudflare: c.behindCloudflare && hit.facts.viaTrustedProxy,
        powVerdict: hit.powVerdict,
        interactionMs: null,
        interaction: null,
        country: hit.country,
        suspectCountries: c.suspectCountries,
        siteSuspectCountries: c.siteSuspectCountries.get(hit.siteId) ?? [],
        suspectPoints: c.suspectPoints,
        burstCount,
        screenWidth: null,
        screenHeight: null,
        screenGiven: false,
        referrerType: "direct_or_unknown",
        path: hit.reportPath,
        extra: hit.signals,
      });
      hit.score = result.score;
      hit.scoreDetail = result.detail;
    },
  };
}

/** Validates each event and builds its row; invalid events are skipped. */
function eventsStep(deps: CollectorDeps): Step<EventsHit> {
  return {
    name: "events",
    run(hit) {
      const list = (hit.body as { events: unknown[] }).events.slice(0, MAX_EVENTS);
      const settings = deps.caches.settings(hit.siteId);
      const created = new Date(hit.facts.now);
      const detail = JSON.stringify(hit.scoreDetail);
      const reason = mainReason(hit.score, hit.scoreDetail);
      const deviceType = deviceOf(hit);
      const referrer = originOf(hit.facts.headers.get("referer"));
      for (const raw of list) {
        const row = eventRow(raw, hit, settings.sendFormValues, deps);
        if (!row) continue;
        hit.events.push({
          ...row,
          site_id: hit.siteId,
          visitor_id: hit.visitorId,
          device_type: deviceType,
          referrer,
          hour: created.getUTCHours(),
          month: created.getUTCMonth() + 1,
          day_of_week: created.getUTCDay(),
          is_returning: hit.isReturning ? 1 : 0,
          source: "beacon",
          bot_score: hit.score,
          bot_score_detail: detail,
          bot_reason: reason,
          created_at: created.toISOString(),
        });
      }
    },
  };
}

type EventFields = Pick<
  EventRow,
  | "event_type"
  | "event_name"
  | "session_id"
  | "path"
  | "data"
  | "engaged_ms"
  | "scroll_pct"
  | "experiment_id"
  | "variant_id"
  | "utm_campaign"
>;

function eventRow(
  raw: unknown,
  hit: EventsHit,
  sendFormValues: boolean,
  deps: CollectorDeps,
): EventFields | null {
  if (typeof raw !== "object" || raw === null) return null;
  const event = raw as {
    type?: unknown;
    data?: unknown;
    sessionId?: unknown;
    utmCampaign?: unknown;
  };
  if (typeof event.type !== "string" || !EVENT_TYPES.has(event.type)) return null;
  const data: Record<string, unknown> =
    typeof event.data === "object" && event.data !== null && !Array.isArray(event.data)
      ? { ...(event.data as Record<string, unknown>) }
      : {};
  // docs/architecture.md, decision 6: form values never reach the disk unless the site opted in.
  if (event.type === "form_blur" && !sendFormValues) delete data.value;
  const json = JSON.stringify(data);
  if (json.length > MAX_EVENT_DATA) return null;
  const sid = typeof event.sessionId === "string" && SESSION_ID.test(event.sessionId)
    ? event.sessionId
    : null;
  const utm = cleanString(event.utmCampaign, 256);
  const path = cleanString(data.path, 2048);
  return {
    event_type: event.type,
    event_name: event.type === "custom" ? cleanString(data.name, 128) : null,
    session_id: sid,
    path: path?.startsWith("/") ? path : null,
    data: json,
    engaged_ms: event.type === "pageview_end" ? boundedInt(data.engaged_ms, 0, 86_400_000) : null,
    scroll_pct: event.type === "pageview_end" ? boundedInt(data.scroll_pct, 0, 100) : null,
    experiment_id: cleanString(data.experiment_id, 128),
    variant_id: cleanString(data.variant_id, 128),
    utm_campaign: utm && isRecordedCampaign(deps, hit.siteId, utm) ? utm : null,
  };
}

function boundedInt(value: unknown, min: number, max: number): number | null {
  if (typeof value !== "number" || !Number.isFinite(value)) return null;
  return Math.min(max, Math.max(min, Math.round(value)));
}

function deviceOf(hit: EventsHit): string | null {
  const hint = hit.facts.headers.get("sec-ch-ua-mobile");
  if (hint === "?1") return "mobile";
  if (hint === "?0") return "desktop";
  return hit.userAgent?.deviceType ?? null;
}

function originOf(value: string | null): string | null {
  if (!value) return null;
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:" ? url.origin : null;
  } catch {
    return null;
  }
}
