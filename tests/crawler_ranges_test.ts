// Crawler verification by published IP ranges: prefix boundaries, IPv6 and IPv4-mapped
// addresses, the snapshot naming only bots of the one bot table, the AI roles, and the refresh's
// reading of a publisher's file; plus `deno task crawlers import` run as a command on gzip stdin.
import assert from "node:assert/strict";
import { BOT_RULES } from "../lib/bots/bot_names.ts";
import { createKnownBotMatcher } from "../lib/bots/known_bots.ts";
import { crawlerCategory } from "../lib/crawlers/classify.ts";
import { compileCrawlerRanges, loadCrawlerRanges } from "../lib/crawlers/ranges.ts";
import { publishedPrefixes, refreshRanges } from "../lib/crawlers/refresh.ts";
import { openDatabase } from "../lib/db/mod.ts";
import { createSite } from "../lib/db/sites.ts";

const ranges = compileCrawlerRanges({
  snapshot_date: "2026-01-01",
  copied_from: "test",
  sources: {
    a: {
      urls: [],
      crawlers: ["GPTBot"],
      fetched: "2026-01-01",
      prefixes: ["20.171.206.0/24", "2a09:bac0::/32"],
    },
  },
});

Deno.test("crawler ranges: inside, boundaries, outside, IPv6, IPv4-mapped, unlisted", () => {
  for (const ip of ["20.171.206.0", "20.171.206.255", "::ffff:20.171.206.9", "2a09:bac0:1::5"]) {
    assert.equal(ranges.verify("GPTBot", ip), "verified", ip);
  }
  for (const ip of ["20.171.205.255", "20.171.207.0", "2a09:bac1::1", "not-an-ip", "0x14.1.1.1"]) {
    assert.equal(ranges.verify("GPTBot", ip), "unverified", ip);
  }
  assert.equal(ranges.verify("Bytespider", "20.171.206.1"), "unlisted");
  assert.throws(
    () =>
      compileCrawlerRanges({
        snapshot_date: "x",
        copied_from: "x",
        sources: {
          bad: { urls: [], crawlers: ["GPTBot"], fetched: "x", prefixes: ["1.2.3.4/33"] },
        },
      }),
    /source bad: "1\.2\.3\.4\/33" is not a CIDR prefix/,
  );
});

Deno.test("crawler ranges: the bundled snapshot names only known bots and verifies real crawlers", () => {
  const bundled = loadCrawlerRanges();
  assert.match(bundled.date, /^\d{4}-\d{2}-\d{2}$/);
  const names = new Set(BOT_RULES.map((rule) => rule.name));
  for (const crawler of bundled.crawlers) assert.ok(names.has(crawler), crawler);
  assert.equal(bundled.verify("Googlebot", "66.249.66.1"), "verified");
  assert.equal(bundled.verify("Googlebot", "203.0.113.50"), "unverified");
  assert.equal(bundled.verify("OAI-SearchBot", "20.171.206.5"), "unverified"); // GPTBot's range
  const match = createKnownBotMatcher();
  const roles: [string, string, string][] = [
    ["Mozilla/5.0 (compatible; GPTBot/1.2; +https://openai.com/gptbot)", "GPTBot", "ai_training"],
    ["Mozilla/5.0 (compatible; OAI-SearchBot/1.0)", "OAI-SearchBot", "ai_search"],
    ["Mozilla/5.0 (compatible; ChatGPT-User/1.0)", "ChatGPT-User", "ai_assistant"],
    ["Mozilla/5.0 (compatible; Perplexity-User/1.0)", "Perplexity-User", "ai_assistant"],
    ["Mozilla/5.0 (compatible; PerplexityBot/1.0)", "PerplexityBot", "ai_search"],
    ["Mozilla/5.0 (compatible; Claude-SearchBot/1.0)", "Claude-SearchBot", "ai_search"],
    ["Mozilla/5.0 (compatible; bingbot/2.0)", "Bingbot", "search"],
    ["curl/8.5.0", "curl", "other"],
  ];
  for (const [ua, name, category] of roles) {
    assert.equal(match(ua), name, ua);
    assert.equal(crawlerCategory(name), category, name);
  }
  // Every AI rule has a role, so no AI crawler falls into "other".
  for (const rule of BOT_RULES.filter((r) => r.category === "ai")) assert.ok(rule.role, rule.name);
});

Deno.test("crawler ranges refresh: reads publishers' files, keeps a failing source", async () => {
  assert.deepEqual(
    publishedPrefixes({
      prefixes: [{ ipv4Prefix: "1.2.3.0/24" }, { ipv6Prefix: "2001:db8::/32" }],
    }),
    ["1.2.3.0/24", "2001:db8::/32"],
  );
  assert.throws(() => publishedPrefixes({ prefixes: [{ ipv4Prefix: "1.2.3" }] }), /not a prefix/);
  const dir = await Deno.makeTempDir();
  const path = `${dir}/ranges.json`;
  await Deno.writeTextFile(
    path,
    JSON.stringify({
      snapshot_date: "2026-01-01",
      copied_from: "test",
      sources: {
        ok: {
          urls: ["https://a.test/a.json"],
          crawlers: ["GPTBot"],
          fetched: "2026-01-01",
          prefixes: ["9.9.9.0/24"],
        },
        down: {
          urls: ["https://b.test/b.json"],
          crawlers: ["Bingbot"],
          fetched: "2026-01-01",
          prefixes: ["8.8.8.0/24"],
        },
      },
    }),
  );
  const report = await refreshRanges(path, (url) =>
    Promise.resolve(
      url.startsWith("https://a.test")
        ? Response.json({ creationTime: "x", prefixes: [{ ipv4Prefix: "20.171.206.0/24" }] })
        : new Response("gone", { status: 503 }),
    ));
  assert.deepEqual(report, [
    "ok: 1 prefixes",
    "down: kept 1 prefixes of 2026-01-01 (https://b.test/b.json: HTTP 503)",
  ]);
  const written = loadCrawlerRanges(path);
  assert.equal(written.verify("GPTBot", "20.171.206.1"), "verified");
  assert.equal(written.verify("GPTBot", "9.9.9.1"), "unverified");
  assert.equal(written.verify("Bingbot", "8.8.8.8"), "verified");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("deno task crawlers import: a gzip log on stdin, twice, prints what it stored", async () => {
  const dir = await Deno.makeTempDir();
  const dbPath = `${dir}/echelon.db`;
  const db = openDatabase(dbPath);
  createSite(db, "example.com", null);
  db.close();
  // Lines from yesterday, so they are inside retention whenever the test runs.
  const day = new Date(Date.now() - 86_400_000);
  const stamp = `${String(day.getUTCDate()).padStart(2, "0")}/${
    day.toLocaleString("en", { month: "short", timeZone: "UTC" })
  }/${day.getUTCFullYear()}:10:00:00 +0000`;
  const log = [
    `20.171.206.5 - - [${stamp}] "GET /a HTTP/1.1" 200 1 "-" "Mozilla/5.0 (compatible; GPTBot/1.2)"`,
    `198.51.100.9 - - [${stamp}] "GET /a HTTP/1.1" 200 1 "-" "Mozilla/5.0 (compatible; GPTBot/1.2)"`,
    `192.0.2.1 - - [${stamp}] "GET /a HTTP/1.1" 200 1 "-" "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0"`,
    "garbage",
  ].join("\n") + "\n";
  const gz = new Uint8Array(
    await new Response(
      ReadableStream.from([new TextEncoder().encode(log)]).pipeThrough(
        new CompressionStream("gzip") as ReadableWritablePair<Uint8Array>,
      ),
    ).arrayBuffer(),
  );
  const run = async (args: string[]) => {
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "scripts/crawlers.ts", ...args],
      env: { ECHELON_DB_PATH: dbPath },
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const writer = child.stdin.getWriter();
    await writer.write(gz);
    await writer.close();
    const out = await child.output();
    return {
      code: out.code,
      stdout: new TextDecoder().decode(out.stdout),
      stderr: new TextDecoder().decode(out.stderr),
    };
  };
  const first = await run(["import", "--site", "example.com", "-"]);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /stdin: 4 lines read \(gzip\), 0 imported before, 4 new/);
  assert.match(first.stdout, /crawler and bot hits stored: 2/);
  assert.match(first.stdout, /GPTBot\s+ai_training\s+2\s+verified 1, unverified \(spoofed\?\) 1/);
  assert.match(first.stdout, /people's requests \(read, not stored\): 1/);
  assert.match(first.stdout, /skipped lines: malformed 1/);
  const second = await run(["import", "--site", "example.com", "-"]);
  assert.match(second.stdout, /4 imported before, 0 new/);
  assert.match(second.stdout, /crawler and bot hits stored: 0/);
  const unknown = await run(["import", "--site", "nope.example", "-"]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /site "nope\.example" is not registered/);
  const check = openDatabase(dbPath);
  assert.equal(check.get<{ n: number }>("SELECT SUM(hits) AS n FROM crawler_traffic")!.n, 2);
  check.close();
  await Deno.remove(dir, { recursive: true });
});
