// Imports a web server access log: streams it line by line (gzip is detected by its magic
// bytes), keeps only crawler and bot requests (a person's request in a log carries no proof and
// no interaction, so it is never a view), and writes them in batches through the store
// (lib/store/crawlers.ts).
// Idempotent: a log is known by its site and first line, and each batch is committed together
// with the byte offset reached, so importing the same file again (or once it has grown, or after
// logrotate renamed or gzipped it) adds only the lines never imported before.
import { hex } from "../anonymize/bytes.ts";
import { parseAccessLogLine, type SkipReason as LineSkip } from "./access_log.ts";
import type { CrawlerClassifier } from "./classify.ts";
import { crawlPath } from "./path.ts";
import { type CrawlerCounts, CrawlTally } from "./tally.ts";
import type { CrawlerStore } from "../store/crawlers.ts";

export type ImportSkip = LineSkip | "bad_path" | "too_old" | "in_future";

export interface ImportOptions {
  crawlers: Pick<CrawlerStore, "importProgress" | "saveImportBatch">;
  siteId: string;
  classify: CrawlerClassifier;
  now: () => number;
  /** Lines served before this (epoch ms) are past the bot counters' retention: skipped. */
  oldestAt: number;
  /** Rows a site keeps a day (ECHELON_MAX_DAILY_VALUES). */
  maxDailyRows?: number;
  /** Lines per committed batch. */
  batchLines?: number;
}

export interface ImportSummary {
  /** Complete lines in the input (a last line without its newline is left for next time). */
  lines: number;
  /** Of those, lines an earlier import of the same log already read. */
  alreadyImported: number;
  /** Crawler and bot requests stored. */
  crawlerHits: number;
  byCrawler: CrawlerCounts;
  /** Requests from people's browsers: read, not stored. */
  people: number;
  skipped: Partial<Record<ImportSkip, number>>;
  /** Whether the log was gzip-compressed. */
  gzip: boolean;
}

const NEWLINE = 0x0a;
const MAX_LINE_BYTES = 64 * 1024;
/** Up to this many bytes of a log's first line identify it. */
const KEY_BYTES = 4096;

/** Undoes gzip when the stream starts with its magic bytes (RFC 1952 §2.3.1). */
async function decompressed(
  input: ReadableStream<Uint8Array>,
): Promise<{ stream: ReadableStream<Uint8Array>; gzip: boolean }> {
  const reader = input.getReader();
  const first = await reader.read();
  const head = first.done ? new Uint8Array(0) : first.value;
  const rest = new ReadableStream<Uint8Array>({
    start(controller) {
      if (head.length > 0) controller.enqueue(head);
    },
    async pull(controller) {
      const next = await reader.read();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  const gzip = head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
  return {
    stream: gzip
      ? rest.pipeThrough(new DecompressionStream("gzip") as ReadableWritablePair<Uint8Array>)
      : rest,
    gzip,
  };
}

/** Complete lines of a byte stream with their length including the newline. */
async function* lines(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  let carry: Uint8Array = new Uint8Array(0);
  for await (const chunk of stream) {
    let start = 0;
    let data = chunk;
    if (carry.length > 0) {
      data = new Uint8Array(carry.length + chunk.length);
      data.set(carry);
      data.set(chunk, carry.length);
    }
    for (;;) {
      const end = data.indexOf(NEWLINE, start);
      if (end < 0) break;
      yield data.subarray(start, end + 1);
      start = end + 1;
    }
    carry = data.slice(start);
    // A "line" this long is not a log line; it is still passed on so its bytes are counted.
    if (carry.length > MAX_LINE_BYTES) {
      yield carry;
      carry = new Uint8Array(0);
    }
  }
}

async function sourceKey(siteId: string, firstLine: Uint8Array): Promise<string> {
  const head = firstLine.subarray(0, KEY_BYTES);
  const site = new TextEncoder().encode(`${siteId}\n`);
  const data = new Uint8Array(site.length + head.length);
  data.set(site);
  data.set(head, site.length);
  return hex(new Uint8Array(await crypto.subtle.digest("SHA-256", data)));
}

export async function importAccessLog(
  input: ReadableStream<Uint8Array>,
  options: ImportOptions,
): Promise<ImportSummary> {
  const { crawlers, siteId, classify } = options;
  const batchLines = options.batchLines ?? 20_000;
  const { stream, gzip } = await decompressed(input);
  const summary: ImportSummary = {
    lines: 0,
    alreadyImported: 0,
    crawlerHits: 0,
    byCrawler: {},
    people: 0,
    skipped: {},
    gzip,
  };
  const skip = (reason: ImportSkip) => summary.skipped[reason] = (summary.skipped[reason] ?? 0) + 1;
  const tally = new CrawlTally();
  const decoder = new TextDecoder();
  const maxFuture = options.now() + 5 * 60_000;
  let key: string | null = null;
  let resumeAt = 0;
  let bytes = 0;
  let pendingLines = 0;

  const commit = async () => {
    if (key === null) return;
    await crawlers.saveImportBatch(
      tally.deltas(),
      { sourceKey: key, siteId, bytes, lines: summary.lines },
      new Date(options.now()).toISOString(),
      { maxDailyRows: options.maxDailyRows },
    );
    tally.clear();
    pendingLines = 0;
  };

  for await (const raw of lines(stream)) {
    if (key === null) {
      key = await sourceKey(siteId, raw);
      resumeAt = (await crawlers.importProgress(key))?.bytes ?? 0;
    }
    bytes += raw.length;
    summary.lines++;
    if (bytes <= resumeAt) {
      summary.alreadyImported++;
      continue;
    }
    pendingLines++;
    const end = raw[raw.length - 1] === NEWLINE ? raw.length - 1 : raw.length;
    const text = decoder.decode(raw.subarray(0, end > 0 && raw[end - 1] === 0x0d ? end - 1 : end));
    const entry = parseAccessLogLine(text);
    if ("skip" in entry) {
      skip(entry.skip);
    } else if (entry.at < options.oldestAt) {
      skip("too_old");
    } else if (entry.at > maxFuture) {
      skip("in_future");
    } else {
      const verdict = classify(entry.userAgent, entry.ip);
      const path = verdict === null ? null : crawlPath(entry.target);
      if (verdict === null) summary.people++;
      else if (path === null) skip("bad_path");
      else tally.add({ siteId, path, at: entry.at, status: entry.status, verdict });
    }
    if (pendingLines >= batchLines) await commit();
  }
  if (pendingLines > 0) await commit();
  summary.crawlerHits = tally.hits;
  summary.byCrawler = tally.byCrawler;
  return summary;
}
