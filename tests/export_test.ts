// CSV exports (/api/export/*.csv): headers and file names, RFC 4180 quoting and formula-safe
// cells, streamed views and events that match the stored rows exactly (ties across batch
// boundaries, rows written mid-export left out), period, site and bot filters, auth, public mode
// and bad parameters.
import assert from "node:assert/strict";
import { VIEW_COLUMNS } from "../lib/db/columns.ts";
import { csvCell, csvRow, csvSection } from "../lib/export/csv.ts";
import { exportHref } from "../lib/export/mod.ts";
import { refreshRollups } from "../lib/stats/mod.ts";
import { adminApp, insertEvents, insertViews } from "./_admin.ts";
import { createTestApp, type TestApp } from "./_helpers.ts";
import { AUTH, D1, D2, insertFixture, SECRET, SITE } from "./_stats_fixture.ts";

/** RFC 4180 parser (quoted fields, doubled quotes, CRLF), to read what the exports wrote. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i++;
    } else field += c;
  }
  assert.equal(field, "", "the file ends with CRLF");
  assert.equal(row.length, 0);
  return rows;
}

/** The sections of a multi-section export: title → [header, ...rows]. */
function sections(text: string): Map<string, string[][]> {
  const out = new Map<string, string[][]>();
  let current: string[][] | null = null;
  for (const row of parseCsv(text)) {
    if (row.length === 1 && row[0].startsWith("# ")) {
      current = [];
      out.set(row[0].slice(2), current);
    } else if (row.length === 1 && row[0] === "") current = null;
    else current?.push(row);
  }
  return out;
}

async function fixtureApp(env: Record<string, string> = {}): Promise<TestApp> {
  const t = await createTestApp({ ECHELON_SECRET: SECRET, ...env });
  insertFixture(t);
  await refreshRollups(t.services);
  return t;
}

const get = (t: TestApp, path: string, headers: HeadersInit = AUTH) => t.request(path, { headers });

Deno.test("csv: RFC 4180 quoting and formula-safe cells", () => {
  assert.equal(csvCell(null), "");
  assert.equal(csvCell(undefined), "");
  assert.equal(csvCell(42), "42");
  assert.equal(csvCell(-3.5), "-3.5", "numbers are data, not formulas");
  assert.equal(csvCell(Number.NaN), "");
  assert.equal(csvCell(true), "1");
  assert.equal(csvCell("plain"), "plain");
  assert.equal(csvCell('say "hi"'), '"say ""hi"""');
  assert.equal(csvCell("a,b"), '"a,b"');
  assert.equal(csvCell("line\nbreak"), '"line\nbreak"');
  assert.equal(csvCell("=SUM(A1:A9)"), "'=SUM(A1:A9)");
  assert.equal(csvCell("+1"), "'+1");
  assert.equal(csvCell("-1"), "'-1");
  assert.equal(csvCell("@cmd"), "'@cmd");
  assert.equal(csvCell("\tx"), "'\tx");
  assert.equal(csvCell("\rx"), '"\'\rx"');
  assert.equal(csvCell('=HYPERLINK("http://x","y")'), '"\'=HYPERLINK(""http://x"",""y"")"');
  assert.equal(csvRow(["a", 1, null, "b,c"]), 'a,1,,"b,c"\r\n');
  assert.equal(
    csvSection({ title: "T", header: ["x", "y"], rows: [[1, 2]] }),
    "# T\r\nx,y\r\n1,2\r\n\r\n",
  );
});

Deno.test("export links carry the selection and the page's filters", () => {
  const period = { days: 7, from: "2026-11-14", to: "2026-11-20" };
  assert.equal(
    exportHref("overview", { site: "shop", period }),
    "/api/export/overview.csv?site_id=shop&days=7",
  );
  assert.equal(
    exportHref("events", { site: null, period: { ...period, days: null } }, {
      type: "custom",
      name: "",
      bots: "humans",
    }),
    "/api/export/events.csv?from=2026-11-14&to=2026-11-20&type=custom&bots=humans",
  );
});

Deno.test("overview.csv: headers, file name and the fixture's figures in sections", async () => {
  const t = await fixtureApp();
  const res = await get(t, `/api/export/overview.csv?site_id=${SITE}&from=${D1}&to=${D2}`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "text/csv; charset=utf-8");
  assert.equal(
    res.headers.get("content-disposition"),
    `attachment; filename="echelon-shop-overview-${D1}_${D2}.csv"`,
  );
  assert.equal(res.headers.get("cache-control"), "no-store");
  const s = sections(await res.text());
  assert.deepEqual(s.get("Echelon Analytics overview")!.slice(1, 5), [
    ["site_id", "shop"],
    ["from", D1],
    ["to", D2],
    ["days", "2"],
  ]);
  const summary = Object.fromEntries(s.get("Summary")!.slice(1).map((r) => [r[0], r.slice(1)]));
  // Previous period: D0 → 1 view, 1 visitor, 1 session, 1 bounce.
  assert.deepEqual(summary.visitors, ["8", "1", "7", "700"]);
  assert.deepEqual(summary.pageviews, ["13", "1", "12", "1200"]);
  assert.deepEqual(summary.sessions, ["7", "1", "6", "600"]);
  assert.deepEqual(summary.bounce_rate_pct, ["42.9", "100", "-57.1", "-57.1"]);
  assert.deepEqual(summary.avg_engagement_ms, ["15750", "0", "15750", ""]);
  assert.deepEqual(summary.avg_scroll_pct, ["62.5", "0", "62.5", ""]);
  assert.deepEqual(s.get("Daily trend"), [
    ["date", "pageviews", "visitors", "sessions", "bounces", "events"],
    [D1, "8", "5", "5", "2", "23"],
    [D2, "5", "3", "2", "1", "3"],
  ]);
  assert.deepEqual(s.get("Top pages")!.slice(0, 3), [
    ["path", "pageviews", "visitors"],
    ["/", "6", "6"],
    ["/pricing", "4", "4"],
  ]);
  assert.deepEqual(s.get("Referrers"), [
    ["domain", "pageviews", "visitors"],
    ["google.com", "2", "2"],
    ["t.co", "1", "1"],
  ]);
  assert.deepEqual(s.get("Countries")![1], ["FI", "6", "3"]);
  assert.deepEqual(s.get("Devices")![1], ["desktop", "11", "6"]);
  assert.deepEqual(s.get("Browsers")![1], ["Chrome", "9", "5"]);
  assert.deepEqual(s.get("Operating systems")![1], ["Windows", "9", "5"]);
  assert.deepEqual(s.get("UTM campaigns"), [
    ["utm_campaign", "pageviews", "visitors"],
    ["launch", "1", "1"],
  ]);
  assert.deepEqual(s.get("Web vitals")![1].slice(0, 4), ["LCP", "5", "3072", "4096"]);
  for (
    const title of ["Entry pages", "Exit pages", "Outbound links", "Downloads", "Custom events"]
  ) {
    assert.ok(s.has(title), title);
  }
});

Deno.test("overview.csv: the stats API's filters narrow it and are named in the file", async () => {
  const t = await fixtureApp();
  const res = await get(
    t,
    `/api/export/overview.csv?site_id=${SITE}&from=${D1}&to=${D2}&country=gb`,
  );
  assert.equal(res.status, 200);
  const s = sections(await res.text());
  const meta = Object.fromEntries(s.get("Echelon Analytics overview")!.slice(1));
  assert.equal(meta.filter_country, "GB");
  assert.equal(meta.source, "raw");
  // v5 on the 19th, v5b (the same visit, a new daily id) twice on the 20th.
  const summary = Object.fromEntries(s.get("Summary")!.slice(1).map((r) => [r[0], r[1]]));
  assert.equal(summary.pageviews, "3");
  assert.equal(summary.visitors, "2");
  assert.deepEqual(s.get("Countries")!.slice(1), [["GB", "3", "2"]]);
  const bad = await get(t, `/api/export/overview.csv?site_id=${SITE}&path=nope`);
  assert.equal(bad.status, 400);
  assert.match((await bad.json()).message, /path/);
});

Deno.test("overview.csv: values that look like formulas are neutralised, quotes survive", async () => {
  const t = await createTestApp({ ECHELON_SECRET: SECRET });
  insertViews(t, [
    {
      visitor_id: "a",
      session_id: "sa",
      path: '/search,"q"',
      utm_source: '=HYPERLINK("http://evil.example","click")',
      utm_campaign: "+cmd|' /C calc'!A0",
      referrer_domain: "@evil.example",
      referrer_type: "other",
    },
  ]);
  const text = await (await get(t, "/api/export/overview.csv?site_id=shop&days=1")).text();
  const s = sections(text);
  assert.equal(s.get("Top pages")![1][0], '/search,"q"');
  assert.equal(s.get("UTM sources")![1][0], `'=HYPERLINK("http://evil.example","click")`);
  assert.equal(s.get("UTM campaigns")![1][0], "'+cmd|' /C calc'!A0");
  assert.equal(s.get("Referrers")![1][0], "'@evil.example");
  assert.ok(text.includes('"\'=HYPERLINK(""http://evil.example"",""click"")"'), "quoted raw");
  // No line of the file starts a cell with a formula character.
  for (const row of parseCsv(text)) {
    for (const cell of row) assert.doesNotMatch(cell, /^[=+@\t\r]/, cell);
  }
});

/** Reads a streamed body chunk by chunk. */
async function readChunks(res: Response): Promise<{ text: string; chunks: number }> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let chunks = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks++;
    text += decoder.decode(value, { stream: true });
  }
  return { text: text + decoder.decode(), chunks };
}

Deno.test("views.csv: a few thousand rows stream out exactly as stored, ties included", async () => {
  const t = await createTestApp({ ECHELON_SECRET: SECRET });
  const base = Date.parse(`${D1}T00:00:00.000Z`);
  // 2,500 views with 7 sharing each instant, so batch boundaries (every 1,000) split ties;
  // awkward text in paths and referrers; every 5th a bot; other sites and days around.
  insertViews(
    t,
    Array.from({ length: 2500 }, (_, i) => ({
      visitor_id: `v${i % 40}`,
      session_id: `s${i % 90}`,
      path: i % 11 === 0 ? `/q,"${i}"\n` : `/p/${i}`,
      referrer: i % 13 === 0 ? "=cmd()" : null,
      bot_score: i % 5 === 0 ? 80 : 3,
      bot_score_detail: '{"pow":15}',
      country_code: "FI",
      created_at: new Date(base + Math.floor(i / 7) * 1000).toISOString(),
    })),
  );
  insertViews(t, [
    { site_id: "other", visitor_id: "x", created_at: `${D1}T12:00:00.000Z` },
    { visitor_id: "early", created_at: `${D1.slice(0, 8)}18T23:59:59.999Z` },
    { visitor_id: "late", created_at: `${D2}T00:00:00.000Z` },
  ]);
  t.services.db.run("INSERT INTO excluded_visitors (visitor_id) VALUES ('v1')");

  const res = await get(t, `/api/export/views.csv?site_id=shop&from=${D1}&to=${D1}`);
  assert.equal(res.status, 200);
  assert.equal(
    res.headers.get("content-disposition"),
    `attachment; filename="echelon-shop-views-${D1}_${D1}.csv"`,
  );
  const { text, chunks } = await readChunks(res);
  assert.ok(chunks >= 4, `streamed in batches (header + 3 batches), got ${chunks} chunks`);
  const [header, ...rows] = parseCsv(text);
  assert.deepEqual(header, ["id", ...VIEW_COLUMNS, "is_excluded"]);

  const stored = t.services.db.all<Record<string, string | number | null>>(
    `SELECT * FROM visitor_views WHERE site_id = 'shop' AND created_at >= ? AND created_at < ?
     ORDER BY created_at, id`,
    `${D1}T00:00:00.000Z`,
    `${D2}T00:00:00.000Z`,
  );
  assert.equal(stored.length, 2500);
  assert.equal(rows.length, stored.length);
  const safe = (v: string | number | null) =>
    v === null ? "" : typeof v === "string" && /^[=+\-@\t\r]/.test(v) ? `'${v}` : String(v);
  rows.forEach((row, i) => {
    const want = stored[i];
    assert.deepEqual(
      row,
      [
        String(want.id),
        ...VIEW_COLUMNS.map((c) => safe(want[c])),
        want.visitor_id === "v1" ? "1" : "0",
      ],
      `row ${i}`,
    );
  });

  // bots=humans / bots split the same rows by score.
  const humans = parseCsv(
    await (await get(t, `/api/export/views.csv?site_id=shop&from=${D1}&to=${D1}&bots=humans`))
      .text(),
  ).slice(1);
  const bots = parseCsv(
    await (await get(t, `/api/export/views.csv?site_id=shop&from=${D1}&to=${D1}&bots=bots`))
      .text(),
  ).slice(1);
  const excludedHumans = stored.filter((r) => r.visitor_id === "v1" && r.bot_score === 3).length;
  assert.equal(bots.length, 500 + excludedHumans);
  assert.equal(humans.length, 2000 - excludedHumans);

  // No site: every site; the period bounds are [from 00:00, to+1 00:00).
  const all = parseCsv(
    await (await get(t, `/api/export/views.csv?from=${D1}&to=${D1}`)).text(),
  ).slice(1);
  assert.equal(all.length, 2501);
  assert.ok(all.some((r) => r[3] === "other"));
  const wide = parseCsv(
    await (await get(t, `/api/export/views.csv?site_id=shop&from=2026-11-18&to=${D2}`)).text(),
  ).slice(1);
  assert.equal(wide.length, 2502);
  assert.equal(wide[0][1], "early");
  assert.equal(wide[wide.length - 1][1], "late");
  const allName = await get(t, `/api/export/views.csv?days=1`);
  assert.equal(
    allName.headers.get("content-disposition"),
    `attachment; filename="echelon-all-sites-views-${D2}_${D2}.csv"`,
  );
  assert.equal(parseCsv(await allName.text()).length, 2, "header + the 'late' view");
});

Deno.test("views.csv: rows written while the export streams are left out", async () => {
  const t = await createTestApp({ ECHELON_SECRET: SECRET });
  const at = (i: number) => new Date(Date.parse(`${D2}T01:00:00.000Z`) + i).toISOString();
  insertViews(t, Array.from({ length: 1500 }, (_, i) => ({ visitor_id: "a", created_at: at(i) })));
  const res = await get(t, "/api/export/views.csv?site_id=shop&days=1");
  const reader = res.body!.getReader();
  let text = new TextDecoder().decode((await reader.read()).value);
  insertViews(t, Array.from({ length: 10 }, (_, i) => ({ visitor_id: "b", created_at: at(i) })));
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    text += new TextDecoder().decode(value);
  }
  const rows = parseCsv(text).slice(1);
  assert.equal(rows.length, 1500);
  assert.ok(rows.every((r) => r[1] === "a"));
});

Deno.test("events.csv: stored data round-trips, filters by type, name and period", async () => {
  const t = await createTestApp({ ECHELON_SECRET: SECRET });
  const data = '{"text":"a, \\"quoted\\"\\nvalue","n":1}';
  insertEvents(t, [
    { visitor_id: "v1", event_type: "custom", event_name: "signup", data },
    { visitor_id: "v2", event_type: "custom", event_name: "=evil", data: "{}" },
    { visitor_id: null, session_id: "api", event_type: "click", data: "{}", source: "ingest" },
    { visitor_id: "v3", event_type: "click", created_at: `${D1}T10:00:00.000Z` },
    { visitor_id: "bot", event_type: "click", bot_score: 90 },
  ]);
  const res = await get(t, "/api/export/events.csv?site_id=shop&days=1");
  assert.equal(res.status, 200);
  assert.equal(
    res.headers.get("content-disposition"),
    `attachment; filename="echelon-shop-events-${D2}_${D2}.csv"`,
  );
  const [header, ...rows] = parseCsv(await res.text());
  const col = (name: string) => header.indexOf(name);
  assert.equal(header[0], "id");
  assert.equal(header[header.length - 1], "is_excluded");
  assert.equal(rows.length, 4, "today only");
  assert.equal(rows[0][col("data")], data, "quotes, commas and newlines survive");
  assert.equal(rows[1][col("event_name")], "'=evil");
  assert.equal(rows[2][col("visitor_id")], "");
  assert.equal(rows[2][col("source")], "ingest");

  const custom = parseCsv(
    await (await get(t, "/api/export/events.csv?site_id=shop&days=1&type=custom")).text(),
  );
  assert.equal(custom.length, 3);
  const named = parseCsv(
    await (await get(t, "/api/export/events.csv?site_id=shop&days=1&type=custom&name=signup"))
      .text(),
  );
  assert.deepEqual(named.slice(1).map((r) => r[col("event_name")]), ["signup"]);
  const humans = parseCsv(
    await (await get(t, "/api/export/events.csv?site_id=shop&days=1&bots=humans")).text(),
  );
  assert.equal(humans.length, 4, "the bot's event is left out; the batch-API row stays");
  const twoDays = parseCsv(
    await (await get(t, `/api/export/events.csv?site_id=shop&from=${D1}&to=${D2}`)).text(),
  );
  assert.equal(twoDays.length, 6);
});

Deno.test("bots.csv: known bots, dropped hits, score buckets and suspicious visitors", async () => {
  const t = await createTestApp({ ECHELON_SECRET: SECRET });
  const db = t.services.db;
  db.run(
    `INSERT INTO bot_traffic (date, site_id, bot_name, path, hits) VALUES
     (?, 'shop', 'Googlebot', '/', 5), (?, 'shop', 'Googlebot', '/a', 2),
     (?, 'shop', 'GPTBot', '/', 3), (?, 'other', 'Googlebot', '/', 100),
     ('2026-10-01', 'shop', 'Googlebot', '/', 50)`,
    D1,
    D2,
    D2,
    D2,
  );
  db.run(
    `INSERT INTO drop_counts (date, site_id, endpoint, reason, hits) VALUES
     (?, 'shop', 'b.gif', 'rate_limited', 4)`,
    D2,
  );
  insertViews(t, [
    { visitor_id: "human", bot_score: 0 },
    { visitor_id: "human", bot_score: 10 },
    { visitor_id: "shady", bot_score: 30, country_code: "NL" },
    { visitor_id: "robot", bot_score: 85 },
    { visitor_id: "robot", bot_score: 90 },
    { visitor_id: "gone", bot_score: 0 },
  ]);
  db.run("INSERT INTO excluded_visitors (visitor_id) VALUES ('gone')");

  const res = await get(t, `/api/export/bots.csv?site_id=shop&from=${D1}&to=${D2}`);
  assert.equal(res.status, 200);
  assert.equal(
    res.headers.get("content-disposition"),
    `attachment; filename="echelon-shop-bots-${D1}_${D2}.csv"`,
  );
  const s = sections(await res.text());
  assert.deepEqual(s.get("Stored page views by bot score"), [
    ["bucket", "min_score", "max_score", "pageviews", "visitors"],
    ["clean", "0", "24", "2", "1"],
    ["suspicious", "25", "49", "1", "1"],
    ["bot", "50", "100", "2", "1"],
    ["excluded", "0", "100", "1", "1"],
  ]);
  assert.deepEqual(s.get("Known bots"), [
    ["bot_name", "category", "hits"],
    ["Googlebot", "search", "7"],
    ["GPTBot", "ai", "3"],
  ]);
  assert.deepEqual(s.get("Known-bot hits by day, bot and path"), [
    ["date", "bot_name", "category", "path", "hits"],
    [D1, "Googlebot", "search", "/", "5"],
    [D2, "GPTBot", "ai", "/", "3"],
    [D2, "Googlebot", "search", "/a", "2"],
  ]);
  assert.deepEqual(s.get("Dropped hits"), [
    ["date", "endpoint", "reason", "hits"],
    [D2, "b.gif", "rate_limited", "4"],
  ]);
  const suspicious = [...s.entries()].find(([title]) => title.startsWith("Suspicious"))![1];
  assert.deepEqual(suspicious.slice(1).map((r) => [r[0], r[1], r[2], r[9]]), [
    ["robot", "90", "2", "0"],
    ["shady", "30", "1", "0"],
  ]);

  // Every site, today: the other site's Googlebot hits add up.
  const all = sections(await (await get(t, `/api/export/bots.csv?days=1`)).text());
  assert.deepEqual(all.get("Known bots")![1], ["Googlebot", "search", "102"]);
});

Deno.test("exports: bearer or session cookie; anonymous requests are refused", async () => {
  const t = await adminApp({ ECHELON_SECRET: SECRET });
  insertFixture(t);
  for (const kind of ["overview", "views", "events", "bots"]) {
    const path = `/api/export/${kind}.csv?site_id=shop&days=7`;
    const anonymous = await t.request(path);
    assert.equal(anonymous.status, 401, kind);
    assert.equal((await anonymous.json()).error, "unauthorized");
    const bearer = await get(t, path);
    assert.equal(bearer.status, 200, kind);
    await bearer.body?.cancel();
    const cookie = await get(t, path, { cookie: t.cookie });
    assert.equal(cookie.status, 200, kind);
    assert.match(cookie.headers.get("content-type") ?? "", /^text\/csv/);
    await cookie.body?.cancel();
  }
});

Deno.test("exports: public mode serves the aggregates and refuses per-hit rows", async () => {
  const t = await fixtureApp({ ECHELON_PUBLIC_MODE: "true" });
  insertViews(t, [{ visitor_id: "secret-robot-1", bot_score: 95 }]);
  for (const kind of ["views", "events"]) {
    const res = await t.request(`/api/export/${kind}.csv?site_id=shop&days=7`);
    assert.equal(res.status, 403, kind);
    assert.equal((await res.json()).error, "not_public");
  }
  const overview = await t.request("/api/export/overview.csv?site_id=shop&days=7");
  assert.equal(overview.status, 200);
  const overviewText = await overview.text();
  assert.ok(sections(overviewText).has("Summary"));
  const bots = await t.request("/api/export/bots.csv?site_id=shop&days=7");
  assert.equal(bots.status, 200);
  const text = await bots.text();
  assert.ok(sections(text).has("Stored page views by bot score"));
  assert.ok(![...sections(text).keys()].some((title) => title.startsWith("Suspicious")));
  // ("excluded" is also a bucket name, so the fixture's excluded visitor is not checked here.)
  for (const id of ["secret-robot-1", "v1", "v5b"]) {
    assert.ok(!text.includes(id), `bots.csv exposes ${id}`);
    assert.ok(!overviewText.includes(`,${id},`), `overview.csv exposes ${id}`);
  }
});

Deno.test("exports: bad parameters are 400s that name the field, never 500s", async () => {
  const t = await fixtureApp();
  const cases: [string, string, RegExp][] = [
    ["/api/export/overview.csv?days=7", "missing_param", /site_id/],
    ["/api/export/overview.csv?site_id=bad%20id", "invalid_site_id", /site_id/],
    ["/api/export/views.csv?site_id=%3Cx%3E", "invalid_site_id", /site_id/],
    ["/api/export/views.csv?days=0", "invalid_param", /days/],
    ["/api/export/views.csv?days=731", "invalid_param", /days/],
    ["/api/export/events.csv?days=abc", "invalid_param", /days/],
    ["/api/export/events.csv?from=2026-02-31", "invalid_param", /from/],
    [`/api/export/bots.csv?from=${D2}&to=${D1}`, "invalid_param", /after/],
    ["/api/export/bots.csv?from=2026-11-01&to=2099-01-01", "invalid_param", /to/],
    ["/api/export/views.csv?days=7&from=2026-11-01", "invalid_param", /days/],
    ["/api/export/views.csv?bots=maybe", "invalid_param", /bots/],
    [`/api/export/events.csv?type=${"x".repeat(200)}`, "invalid_param", /type/],
  ];
  for (const [path, code, message] of cases) {
    const res = await get(t, path);
    assert.equal(res.status, 400, path);
    const body = await res.json();
    assert.equal(body.error, code, path);
    assert.match(body.message, message, path);
  }
});
