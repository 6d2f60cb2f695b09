// The body of POST /api/crawl: server-side requests of crawlers (from a web server, CDN log
// push or edge function), as a JSON array, `{ "hits": [...] }`, or JSON lines. Each entry is
// `{ site, path, user_agent, ip, ts, status? }`; a bad entry refuses the whole batch with a 400
// naming the entry, the field and the value, so nothing is half-stored.
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

function timestamp(value: unknown, at: string): number {
  const ms = typeof value === "number"
    ? value
    : typeof value === "string" && /^\d{4}-\d{2}-\d{2}T/.test(value)
    ? Date.parse(value)
    : NaN;
  if (!Number.isFinite(ms)) {
    throw fail(`${at}.ts: ${preview(value)} is not an ISO 8601 time or epoch milliseconds`);
  }
  return ms;
}

/**
 * Validates the entries: `oldestAt` is the bot counters' retention (older hits would be purged
 * at once), and a time more than 5 minutes ahead is refused.
 */
export function parseCrawlHits(
  entries: unknown[],
  bounds: { now: number; oldestAt: number },
): CrawlInput[] {
  if (entries.length === 0 || entries.length > MAX_CRAWL_HITS) {
    throw fail(`a batch holds 1..${MAX_CRAWL_HITS} hits, got ${entries.length}`);
  }
  return entries.map((raw, index): CrawlInput => {
    const at = `hits[${index}]`;
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
      throw fail(`${at} must be an object`);
    }
    const hit = raw as Record<string, unknown>;
    const site = typeof hit.site === "string" ? hit.site.trim().toLowerCase() : "";
    if (!SITE_ID_PATTERN.test(site)) {
      throw fail(`${at}.site: ${preview(hit.site)} is not a site id`);
    }
    const path = typeof hit.path === "string" && hit.path.length <= MAX_TARGET_LENGTH
      ? crawlPath(hit.path)
      : null;
    if (path === null) {
      throw fail(`${at}.path: ${preview(hit.path)} is not a path ("/…") or an http(s) URL`);
    }
    if (typeof hit.user_agent !== "string" || hit.user_agent.length > MAX_UA_LENGTH) {
      throw fail(`${at}.user_agent: must be a string of at most ${MAX_UA_LENGTH} characters`);
    }
    if (typeof hit.ip !== "string" || !isIpAddress(hit.ip)) {
      throw fail(`${at}.ip: ${preview(hit.ip)} is not an IPv4 or IPv6 address`);
    }
    const ts = timestamp(hit.ts, at);
    if (ts < bounds.oldestAt || ts > bounds.now + MAX_TS_FUTURE_MS) {
      throw fail(
        `${at}.ts: ${preview(hit.ts)} is outside the accepted range (${
          new Date(bounds.oldestAt).toISOString().slice(0, 10)
        } to 5 minutes ahead)`,
      );
    }
    let status: number | null = null;
    if (hit.status !== undefined && hit.status !== null) {
      if (
        !Number.isInteger(hit.status) || (hit.status as number) < 100 ||
        (hit.status as number) > 599
      ) {
        throw fail(`${at}.status: ${preview(hit.status)} is not an HTTP status (100-599)`);
      }
      status = hit.status as number;
    }
    return { siteId: site, path, userAgent: hit.user_agent, ip: hit.ip, at: ts, status };
  });
}
