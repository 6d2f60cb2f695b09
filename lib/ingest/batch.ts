// The v1 batch protocol of POST /api/ingest: the body's zod schema (which validates it and which
// the OpenAPI document prints: lib/api/operations/collection.ts) and row building. Authenticated
// callers are trusted (score 0, source "ingest"), `ts` is honoured within bounds, event ids
// de-duplicate.
import { z } from "zod";
import type { EventRow } from "../store/rows.ts";
import { SITE_ID_PATTERN } from "../config.ts";
import { HttpError } from "../http_error.ts";
import { cleanString } from "./encoding.ts";

export const MAX_INGEST_BODY = 1_048_576;
export const MAX_INGEST_EVENTS = 100;
/** Oldest accepted `ts`; the de-duplication memory outlives it, so replays cannot slip through. */
export const MAX_TS_AGE_MS = 7 * 86_400_000;
export const MAX_TS_FUTURE_MS = 5 * 60_000;
/** An event's data with the session context, as stored JSON text. */
const MAX_DATA_CHARS = 8192;

const EVENTS_COUNT = `events must hold 1..${MAX_INGEST_EVENTS} entries`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TYPE = /^[a-zA-Z_][a-zA-Z0-9_]{0,63}$/;

const uuid = (message: string) =>
  z.string({ error: message }).regex(UUID, { error: message }).describe("A UUID");

/** Free text kept as given (control characters removed, cut at `max`); other values ignored. */
const contextText = (max: number) =>
  z.unknown().optional().describe(`Text, at most ${max} characters kept; other values ignored`);

const SESSION_CONTEXT = {
  device_class: 32,
  viewport: 32,
  screen: 32,
  language: 35,
} as const;

const IngestEventBody = z.object({
  event_id: uuid("must be a UUID"),
  type: z.string({ error: "is invalid" }).regex(TYPE, { error: "is invalid" })
    .describe("A letter or _, then up to 63 letters, digits or _"),
  ts: z.string({ error: "must be an ISO timestamp" })
    .transform((ts, ctx) => {
      const ms = Date.parse(ts);
      if (Number.isFinite(ms)) return { text: ts, ms };
      ctx.issues.push({
        code: "custom",
        input: ts,
        message: `${JSON.stringify(ts.slice(0, 40))} is not a timestamp`,
      });
      return z.NEVER;
    })
    .describe("An ISO 8601 instant within 7 days back and 5 minutes ahead"),
  data: z.unknown().optional()
    .describe("An object (anything else is stored as {}); name: a custom event's name"),
  experiments: z.unknown().optional()
    .describe("[{experiment_id, variant_id}]: the first is stored with the event"),
  referrer: z.unknown().optional().describe("Text, at most 2048 characters kept"),
}, { error: "must be an object" });

/** The body of POST /api/ingest. */
export const INGEST_BATCH_BODY = z.object({
  v: z.literal(1, { error: "v must be 1" }),
  batch_id: uuid("batch_id must be a UUID"),
  context: z.object({
    session_id: uuid("context.session_id must be a UUID"),
    site_id: z.string({ error: (i) => siteMessage(i.input) })
      .regex(SITE_ID_PATTERN, { error: (i) => siteMessage(i.input) })
      .transform((id) => id.toLowerCase())
      .optional()
      .describe("Default `default`"),
    device_class: contextText(SESSION_CONTEXT.device_class),
    viewport: contextText(SESSION_CONTEXT.viewport),
    screen: contextText(SESSION_CONTEXT.screen),
    language: contextText(SESSION_CONTEXT.language),
  }, { error: "context is required" }),
  events: z.array(IngestEventBody, { error: EVENTS_COUNT })
    .min(1, { error: EVENTS_COUNT })
    .max(MAX_INGEST_EVENTS, { error: EVENTS_COUNT })
    .superRefine((events, ctx) => {
      const seen = new Set<string>();
      events.forEach((event, index) => {
        const id = event.event_id.toLowerCase();
        if (seen.has(id)) {
          ctx.addIssue({
            code: "custom",
            path: [index, "event_id"],
            message: "repeats an earlier event of this batch",
          });
        }
        seen.add(id);
      });
    }),
}, { error: "body must be an object" });

function siteMessage(input: unknown): string {
  return `context.site_id "${String(input).slice(0, 80)}" is invalid`;
}

export type IngestBatchBody = z.output<typeof INGEST_BATCH_BODY>;

export interface IngestEvent {
  eventId: string;
  row: EventRow;
}

/**
 * The rows of a batch the schema accepted; refuses (400) a `ts` outside the accepted range and
 * data over 8 KB, which depend on the clock and the session context.
 */
export function batchEvents(batch: IngestBatchBody, now: number, ignoredSites: readonly string[]): {
  siteId: string;
  events: IngestEvent[];
  ignored: boolean;
} {
  const fail = (message: string) => new HttpError(400, "invalid_payload", message);
  const context = batch.context;
  const sessionId = context.session_id.toLowerCase();
  const siteId = context.site_id ?? "default";
  const sessionContext = {
    device_class: cleanString(context.device_class, SESSION_CONTEXT.device_class),
    viewport: cleanString(context.viewport, SESSION_CONTEXT.viewport),
    screen: cleanString(context.screen, SESSION_CONTEXT.screen),
    language: cleanString(context.language, SESSION_CONTEXT.language),
  };
  const events = batch.events.map((event, index): IngestEvent => {
    const at = `events[${index}]`;
    const ts = event.ts.ms;
    if (ts < now - MAX_TS_AGE_MS || ts > now + MAX_TS_FUTURE_MS) {
      throw fail(
        `${at}.ts ${
          event.ts.text.slice(0, 40)
        } is outside the accepted range (7 days back, 5 minutes ahead)`,
      );
    }
    const data = typeof event.data === "object" && event.data !== null && !Array.isArray(event.data)
      ? event.data as Record<string, unknown>
      : {};
    const experiment = Array.isArray(event.experiments)
      ? event.experiments[0] as Record<string, unknown> | null | undefined
      : null;
    const json = JSON.stringify({ ...data, session_context: sessionContext });
    if (json.length > MAX_DATA_CHARS) throw fail(`${at}.data exceeds 8 KB`);
    const created = new Date(ts);
    return {
      eventId: event.event_id.toLowerCase(),
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
