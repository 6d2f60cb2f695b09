// The v1 batch protocol of POST /api/ingest: validation and row building. Authenticated callers
// are trusted (score 0, source "ingest"), `ts` is honoured within bounds, event ids de-duplicate.
import type { EventRow } from "../db/columns.ts";
import { SITE_ID_PATTERN } from "../config.ts";
import { HttpError } from "../http_error.ts";
import { cleanString } from "./encoding.ts";

export const MAX_INGEST_BODY = 1_048_576;
export const MAX_INGEST_EVENTS = 100;
/** Oldest accepted `ts`; the de-duplication memory outlives it, so replays cannot slip through. */
export const MAX_TS_AGE_MS = 7 * 86_400_000;
export const MAX_TS_FUTURE_MS = 5 * 60_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TYPE = /^[a-zA-Z_][a-zA-Z0-9_]{0,63}$/;

export interface IngestEvent {
  eventId: string;
  row: EventRow;
}

export function parseBatch(body: unknown, now: number, ignoredSites: readonly string[]): {
  siteId: string;
  events: IngestEvent[];
  ignored: boolean;
} {
  const fail = (message: string) => new HttpError(400, "invalid_payload", message);
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw fail("body must be an object");
  }
  const batch = body as Record<string, unknown>;
  if (batch.v !== 1) throw fail("v must be 1");
  if (typeof batch.batch_id !== "string" || !UUID.test(batch.batch_id)) {
    throw fail("batch_id must be a UUID");
  }
  const context = batch.context as Record<string, unknown> | undefined;
  if (typeof context !== "object" || context === null) throw fail("context is required");
  if (typeof context.session_id !== "string" || !UUID.test(context.session_id)) {
    throw fail("context.session_id must be a UUID");
  }
  const sessionId = context.session_id.toLowerCase();
  const siteId = context.site_id === undefined ? "default" : String(context.site_id).toLowerCase();
  if (!SITE_ID_PATTERN.test(siteId)) {
    throw fail(`context.site_id "${String(context.site_id).slice(0, 80)}" is invalid`);
  }
  if (
    !Array.isArray(batch.events) || batch.events.length === 0 ||
    batch.events.length > MAX_INGEST_EVENTS
  ) {
    throw fail(`events must hold 1..${MAX_INGEST_EVENTS} entries`);
  }
  const sessionContext = {
    device_class: cleanString(context.device_class, 32),
    viewport: cleanString(context.viewport, 32),
    screen: cleanString(context.screen, 32),
    language: cleanString(context.language, 35),
  };
  const seen = new Set<string>();
  const events = batch.events.map((raw, index): IngestEvent => {
    const at = `events[${index}]`;
    if (typeof raw !== "object" || raw === null) throw fail(`${at} must be an object`);
    const event = raw as Record<string, unknown>;
    if (typeof event.event_id !== "string" || !UUID.test(event.event_id)) {
      throw fail(`${at}.event_id must be a UUID`);
    }
    if (typeof event.type !== "string" || !TYPE.test(event.type)) {
      throw fail(`${at}.type is invalid`);
    }
    if (typeof event.ts !== "string") throw fail(`${at}.ts must be an ISO timestamp`);
    const ts = Date.parse(event.ts);
    if (!Number.isFinite(ts)) throw fail(`${at}.ts "${event.ts.slice(0, 40)}" is not a timestamp`);
    if (ts < now - MAX_TS_AGE_MS || ts > now + MAX_TS_FUTURE_MS) {
      throw fail(
        `${at}.ts ${
          event.ts.slice(0, 40)
        } is outside the accepted range (7 days back, 5 minutes ahead)`,
      );
    }
    const eventId = event.event_id.toLowerCase();
    if (seen.has(eventId)) throw fail(`${at}.event_id repeats an earlier event of this batch`);
    seen.add(eventId);
    const data = typeof event.data === "object" && event.data !== null && !Array.isArray(event.data)
      ? event.data as Record<string, unknown>
      : {};
    const experiment = Array.isArray(event.experiments)
      ? event.experiments[0] as Record<string, unknown>
      : null;
    const json = JSON.stringify({ ...data, session_context: sessionContext });
    if (json.length > 8192) throw fail(`${at}.data exceeds 8 KB`);
    const created = new Date(ts);
    return {
      eventId,
      row: {
        event_type: event.type,
        event_name: event.type === "custom" ? cleanString(data.name, 128) : null,
        site_id: siteId,
        session_id: sessionId,
        visitor_id: null,
        path: typeof data.path === "string" && data.path.startsWith("/")
          ? data.path.slice(0, 2048)
          : null,
        data: json,
        engaged_ms: null,
        scroll_pct: null,
        experiment_id: cleanString(experiment?.experiment_id, 128),
        variant_id: cleanString(experiment?.variant_id, 128),
        utm_campaign: null,
        device_type: sessionContext.device_class,
        referrer: cleanString(event.referrer, 2048),
        hour: created.getUTCHours(),
        month: created.getUTCMonth() + 1,
        day_of_week: created.getUTCDay(),
        is_returning: 0,
        source: "ingest",
        bot_score: 0,
        bot_score_detail: JSON.stringify({ source: "api_ingest" }),
        bot_reason: null,
        created_at: created.toISOString(),
      },
    };
  });
  return { siteId, events, ignored: ignoredSites.includes(siteId) };
}
