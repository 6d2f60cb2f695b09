// The body of POST /api/crawl: server-side requests of crawlers (from a web server, CDN log
// push or edge function), as a JSON array, `{ "hits": [...] }`, or JSON lines. Each entry is
// `{ site, path, user_agent, ip, ts, status? }`, checked by a zod schema (which the OpenAPI
// document prints); a bad entry refuses the whole batch with a 400 naming the entry, the field and
// the value, so nothing is half-stored.
import { z } from "zod";
import { SITE_ID_PATTERN } from "../config.ts";
import { HttpError } from "../http_error.ts";
import { isIpAddress } from "../ingest/client_ip.ts";
import { crawlPath } from "./path.ts";

export const MAX_CRAWL_BODY = 1_048_576;
export const MAX_CRAWL_HITS = 1000;
export const MAX_TS_FUTURE_MS = 5 * 60_000;
const MAX_UA_LENGTH = 1024;
const MAX_TARGET_LENGTH = 4096;

export interface CrawlInput {
  siteId: string;
  path: string;
  userAgent: string;
  ip: string;
  at: number;
  status: number | null;
}

function fail(message: string): HttpError {
  return new HttpError(400, "invalid_payload", message);
}

function preview(value: unknown): string {
  if (typeof value !== "string") return String(JSON.stringify(value)).slice(0, 60);
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
}

/** The entries of a body: a JSON array, an object with `hits`, or one JSON object per line. */
export function crawlEntries(text: string): unknown[] {
  const trimmed = text.trim();
  if (trimmed === "") throw new HttpError(400, "empty_body", "The request body is empty");
  if (trimmed.startsWith("[") || (trimmed.startsWith("{") && !trimmed.includes("\n"))) {
    let body: unknown;
    try {
      body = JSON.parse(trimmed);
    } catch {
      throw new HttpError(400, "invalid_json", "The request body is not valid JSON");
    }
    if (Array.isArray(body)) return body;
    const hits = (body as { hits?: unknown }).hits;
    if (Array.isArray(hits)) return hits;
    return [body];
  }
  return trimmed.split("\n").flatMap((line, index) => {
    if (line.trim() === "") return [];
    try {
      return [JSON.parse(line)];
    } catch {
      throw new HttpError(400, "invalid_json", `line ${index + 1} is not valid JSON`);
    }
  });
}

const at = (message: (input: unknown) => string) => ({
  error: (i: { input: unknown }) => message(i.input),
});

const siteMessage = (input: unknown) => `${preview(input)} is not a site id`;
const pathMessage = (input: unknown) => `${preview(input)} is not a path ("/…") or an http(s) URL`;
const tsMessage = (input: unknown) =>
  `${preview(input)} is not an ISO 8601 time or epoch milliseconds`;
const statusMessage = (input: unknown) => `${preview(input)} is not an HTTP status (100-599)`;

/** One crawler request. */
const CrawlHit = z.object({
  site: z.string(at(siteMessage))
    .overwrite((site) => site.trim().toLowerCase())
    .regex(SITE_ID_PATTERN, at(siteMessage))
    .describe("The site id"),
  path: z.string(at(pathMessage))
    .max(MAX_TARGET_LENGTH, at(pathMessage))
    .transform((target, ctx) => {
      const path = crawlPath(target);
      if (path !== null) return path;
      ctx.issues.push({ code: "custom", input: target, message: pathMessage(target) });
      return z.NEVER;
    })
    .describe('The request target: a path ("/…") or an http(s) URL; the query is not kept'),
  user_agent: z.string(at(() => `must be a string of at most ${MAX_UA_LENGTH} characters`))
    .max(MAX_UA_LENGTH, at(() => `must be a string of at most ${MAX_UA_LENGTH} characters`)),
  ip: z.string(at(ipMessage)).refine(isIpAddress, at(ipMessage)).describe("IPv4 or IPv6"),
  ts: z.union([z.string(), z.number()], at(tsMessage))
    .transform((value, ctx) => {
      const ms = typeof value === "number"
        ? value
        : /^\d{4}-\d{2}-\d{2}T/.test(value)
        ? Date.parse(value)
        : NaN;
      if (Number.isFinite(ms)) return { ms, raw: value };
      ctx.issues.push({ code: "custom", input: value, message: tsMessage(value) });
      return z.NEVER;
    })
    .describe("An ISO 8601 time or epoch milliseconds, within the bot counters' retention"),
  status: z.number(at(statusMessage)).int(at(statusMessage))
    .min(100, at(statusMessage)).max(599, at(statusMessage))
    .nullish()
    .transform((status) => status ?? null)
    .describe("The HTTP status answered"),
}, at(() => "must be an object"));

function ipMessage(input: unknown): string {
  return `${preview(input)} is not an IPv4 or IPv6 address`;
}

const countMessage = (input: unknown) =>
  `a batch holds 1..${MAX_CRAWL_HITS} hits, got ${Array.isArray(input) ? input.length : 0}`;

/**
 * The entries of a body (`crawlEntries`) as `{ hits }`: the schema POST /api/crawl reads them
 * with, so a refusal names `hits[i].field` whichever form the body came in.
 */
export const CRAWL_BODY = z.object({
  hits: z.array(CrawlHit, at(countMessage))
    .min(1, at(countMessage))
    .max(MAX_CRAWL_HITS, at(countMessage)),
});

/**
 * The hits the schema accepted, within bounds: `oldestAt` is the bot counters' retention (older
 * hits would be purged at once), and a time more than 5 minutes ahead is refused.
 */
export function crawlInputs(
  body: z.output<typeof CRAWL_BODY>,
  bounds: { now: number; oldestAt: number },
): CrawlInput[] {
  return body.hits.map((hit, index): CrawlInput => {
    const { ms, raw } = hit.ts;
    if (ms < bounds.oldestAt || ms > bounds.now + MAX_TS_FUTURE_MS) {
      throw fail(
        `hits[${index}].ts: ${preview(raw)} is outside the accepted range (${
          new Date(bounds.oldestAt).toISOString().slice(0, 10)
        } to 5 minutes ahead)`,
      );
    }
    return {
      siteId: hit.site,
      path: hit.path,
      userAgent: hit.user_agent,
      ip: hit.ip,
      at: ms,
      status: hit.status,
    };
  });
}
