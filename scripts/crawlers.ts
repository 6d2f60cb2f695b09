// `deno task crawlers import --site <id> <log|-> …`: imports web server access logs (Combined Log
// Format, plain or gzip) into the crawler report; `deno task crawlers ranges`: refreshes the
// bundled snapshot of the crawlers' published IP ranges from their publishers.
// Uses the server's configuration (ECHELON_DB_PATH, ECHELON_BOT_RETENTION_DAYS, …).
import { loadConfig } from "../lib/config.ts";
import { importAccessLog, type ImportSummary } from "../lib/crawlers/import.ts";
import { createCrawlerService, oldestCrawlAt, requireSites } from "../lib/crawlers/mod.ts";
import { refreshRanges } from "../lib/crawlers/refresh.ts";
import { crawlerCategory } from "../lib/crawlers/classify.ts";
import { HttpError } from "../lib/http_error.ts";
import { openStore } from "../lib/store/open.ts";

const USAGE = `Usage:
  deno task crawlers import --site <site_id> <access.log | access.log.gz | -> [more logs…]
  deno task crawlers ranges [--out lib/crawlers/ranges.json]`;

function fail(message: string, code = 2): never {
  console.error(message);
  Deno.exit(code);
}

function printSummary(name: string, s: ImportSummary): void {
  const fresh = s.lines - s.alreadyImported;
  console.log(
    `${name}: ${s.lines} lines read${s.gzip ? " (gzip)" : ""}, ${s.alreadyImported} imported ` +
      `before, ${fresh} new`,
  );
  console.log(`  crawler and bot hits stored: ${s.crawlerHits}`);
  const rows = Object.entries(s.byCrawler).sort((a, b) => b[1].hits - a[1].hits);
  for (const [crawler, c] of rows) {
    console.log(
      `    ${crawler.padEnd(22)} ${crawlerCategory(crawler).padEnd(13)} ${
        String(c.hits).padStart(7)
      }  verified ${c.verified}, unverified (spoofed?) ${c.unverified}, no published ranges ${c.unlisted}`,
    );
  }
  console.log(`  people's requests (read, not stored): ${s.people}`);
  const skipped = Object.entries(s.skipped);
  console.log(
    `  skipped lines: ${
      skipped.length === 0 ? "none" : skipped.map(([reason, n]) => `${reason} ${n}`).join(", ")
    }`,
  );
}

async function importCommand(args: string[]): Promise<void> {
  let site: string | null = null;
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--site") site = args[++i] ?? null;
    else if (args[i].startsWith("--site=")) site = args[i].slice(7);
    else if (args[i].startsWith("--") && args[i] !== "-") {
      fail(`unknown option ${args[i]}\n${USAGE}`);
    } else files.push(args[i]);
  }
  if (!site) fail(`--site is required\n${USAGE}`);
  if (files.length === 0) fail(`name a log file, or - for standard input\n${USAGE}`);
  const siteId = site.trim().toLowerCase();
  const config = loadConfig(Deno.env.toObject());
  const opened = openStore(config);
  const store = opened.appData;
  try {
    try {
      await requireSites(store.sites, [siteId]);
    } catch (error) {
      if (error instanceof HttpError) fail(error.message);
      throw error;
    }
    const service = createCrawlerService(config);
    for (const file of files) {
      let input: ReadableStream<Uint8Array>;
      try {
        input = file === "-" ? Deno.stdin.readable : (await Deno.open(file)).readable;
      } catch (error) {
        fail(`cannot read ${file}: ${error instanceof Error ? error.message : error}`, 1);
      }
      const summary = await importAccessLog(input, {
        crawlers: store.crawlers,
        siteId,
        classify: service.classify,
        now: Date.now,
        oldestAt: oldestCrawlAt(config, Date.now()),
        maxDailyRows: config.maxDailyValues,
      });
      printSummary(file === "-" ? "stdin" : file, summary);
    }
  } finally {
    opened.close();
  }
}

async function rangesCommand(args: string[]): Promise<void> {
  const at = args.indexOf("--out");
  const out = at >= 0 ? args[at + 1] : new URL("../lib/crawlers/ranges.json", import.meta.url);
  if (out === undefined) fail(`--out needs a path\n${USAGE}`);
  const report = await refreshRanges(out, fetch);
  for (const line of report) console.log(line);
}

if (import.meta.main) {
  const [command, ...rest] = Deno.args;
  if (command === "import") await importCommand(rest);
  else if (command === "ranges") await rangesCommand(rest);
  else fail(USAGE);
}
