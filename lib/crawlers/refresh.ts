// Refreshes the bundled snapshot of crawlers' published IP ranges (lib/crawlers/ranges.json):
// each source's URLs are fetched and read in the publishers' common shape
// `{ "creationTime": …, "prefixes": [{ "ipv4Prefix": … } | { "ipv6Prefix": … }] }` (Google, Bing,
// OpenAI, Perplexity, Apple, DuckDuckGo, Anthropic). A source that fails keeps its previous
// prefixes and date, and the report says so.
import ipaddr from "ipaddr.js";
import type { RangeSnapshot } from "./ranges.ts";

type Fetch = (url: string) => Promise<Response>;

/** The prefixes of a publisher's JSON file; an error names what is wrong. */
export function publishedPrefixes(body: unknown): string[] {
  const prefixes = (body as { prefixes?: unknown } | null)?.prefixes;
  if (!Array.isArray(prefixes)) throw new Error("no prefixes array");
  const out: string[] = [];
  for (const entry of prefixes) {
    const record = entry as Record<string, unknown> | null;
    const prefix = record?.ipv4Prefix ?? record?.ipv6Prefix;
    if (typeof prefix !== "string" || !ipaddr.isValidCIDR(prefix)) {
      throw new Error(`not a prefix: ${JSON.stringify(entry)?.slice(0, 80)}`);
    }
    out.push(prefix);
  }
  if (out.length === 0) throw new Error("empty prefixes array");
  return out;
}

/** Fetches every source of the snapshot at `path` and writes it back; returns report lines. */
export async function refreshRanges(path: string | URL, fetchUrl: Fetch): Promise<string[]> {
  const snapshot: RangeSnapshot = JSON.parse(await Deno.readTextFile(path));
  const today = new Date().toISOString().slice(0, 10);
  const report: string[] = [];
  for (const [name, source] of Object.entries(snapshot.sources)) {
    try {
      const prefixes: string[] = [];
      for (const url of source.urls) {
        const response = await fetchUrl(url);
        if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
        prefixes.push(...publishedPrefixes(await response.json()));
      }
      source.prefixes = [...new Set(prefixes)];
      source.fetched = today;
      report.push(`${name}: ${source.prefixes.length} prefixes`);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      report.push(`${name}: kept ${source.prefixes.length} prefixes of ${source.fetched} (${why})`);
    }
  }
  snapshot.snapshot_date = today;
  snapshot.copied_from = `each source's URLs, fetched by \`deno task crawlers ranges\` (sources ` +
    "that failed keep their previous prefixes and `fetched` date)";
  await Deno.writeTextFile(path, JSON.stringify(snapshot, null, 2) + "\n");
  return report;
}
