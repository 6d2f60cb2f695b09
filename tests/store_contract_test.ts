// The store's contract (lib/store/types.ts), area by area, run against every engine in ENGINES: what
// each method answers and what it leaves stored, read back through the interface. A new engine
// (PostgreSQL, ClickHouse) is added to ENGINES and must pass the same cases unchanged. The
// fixtures of many cases (views and events with only the columns a case needs, sites registered
// by their hits, known-bot rows) are seeded by each engine's own `seed`, below the interface (the
// writes and sites cases at the end check the interface's own writes of them); it also reads back
// the crawler counts (their one read is the crawler report, an analytics read of lib/reads/).
import assert from "node:assert/strict";
import {
  EVENT_COLUMNS,
  type EventRow,
  insertSql,
  VIEW_COLUMNS,
  type ViewRow,
} from "../lib/db/columns.ts";
import { openDatabase } from "../lib/db/mod.ts";
import { registerSites } from "../lib/db/sites.ts";
import type { CampaignRecord } from "../lib/store/campaigns.ts";
import type { CrawlDelta } from "../lib/store/crawlers.ts";
import { sqliteAnalytics } from "../lib/store/sqlite/analytics.ts";
import { createSqliteAppData } from "../lib/store/sqlite/mod.ts";
import type { AnalyticsStore } from "../lib/store/analytics.ts";
import type { AdminSessionRecord } from "../lib/store/admin_sessions.ts";
import type { ExperimentDefinitionRecord } from "../lib/store/experiments.ts";
import type { RawExportQuery } from "../lib/store/exports.ts";
import type { PerfMetricInsert } from "../lib/store/perf.ts";
import type { AppDataStore } from "../lib/store/types.ts";

interface SeedRow {
  site_id: string;
  created_at: string;
  visitor_id?: string;
  bot_score?: number;
  /** The stored breakdown's text (any text: a hand-edited row may hold anything). */
  bot_score_detail?: string | null;
  path?: string;
  /** Events only. */
  event_name?: string;
}

interface CrawlerCountRow {
  date: string;
  site_id: string;
  crawler: string;
  path: string;
  verification: string;
  hits: number;
  errors: number;
}

/** Writes the interface has no method for yet, done below it by each engine. */
interface Seed {
  views(rows: SeedRow[]): void;
  events(rows: SeedRow[]): void;
  /** A site registered by its first hit (source "auto"). */
  siteFromHit(siteId: string, at: string): void;
  /** The stored crawler counts, by date, crawler, path and verification. */
  crawlerCounts(): CrawlerCountRow[];
  /** Known-bot hits as the collectors count them, one row per (day, site, bot, path). */
  knownBotHits(rows: { date: string; site_id: string; bot_name: string; path: string }[]): void;
}

/** The app-data areas and the analytics area (which an engine runs where its reads run). */
type ContractStore = AppDataStore & { analytics: AnalyticsStore };

interface Engine {
  name: string;
  open(): { store: ContractStore; seed: Seed; close(): void };
}

const ENGINES: Engine[] = [{
  name: "sqlite",
  open() {
    const db = openDatabase(":memory:");
    const insert = <Row extends Record<string, unknown>>(
      table: string,
      columns: readonly (keyof Row & string)[],
      rows: Partial<Row>[],
    ) => {
      const stmt = db.statement(insertSql(table, columns));
      for (const row of rows) stmt.run(...columns.map((c) => (row[c] ?? null) as never));
    };
    const base = { is_returning: 0, visitor_id: "v1", bot_score: 0 };
    const seed: Seed = {
      views: (rows) =>
        insert<ViewRow>(
          "visitor_views",
          VIEW_COLUMNS,
          rows.map((row) => ({ ...base, path: "/", is_spa: 0, is_pwa: 0, ...row })),
        ),
      events: (rows) =>
        insert<EventRow>(
          "semantic_events",
          EVENT_COLUMNS,
          rows.map((row) => ({ ...base, event_type: "click", source: "beacon", ...row })),
        ),
      siteFromHit: (siteId, at) =>
        registerSites(db, [{ siteId, at: Date.parse(at), exempt: true }], {
          maxSites: 100,
          perHour: 100,
        }, Date.parse(at)),
      knownBotHits: (rows) => {
        const stmt = db.statement(
          "INSERT INTO bot_traffic (date, site_id, bot_name, path, hits) VALUES (?, ?, ?, ?, 1)",
        );
        for (const row of rows) stmt.run(row.date, row.site_id, row.bot_name, row.path);
      },
      crawlerCounts: () =>
        db.all<CrawlerCountRow>(
          `SELECT date, site_id, crawler, path, verification, hits, errors FROM crawler_traffic
           ORDER BY date, crawler, path, verification`,
        ).map((row) => ({ ...row })),
    };
    const store = { ...createSqliteAppData(db), analytics: sqliteAnalytics(db) };
    return { store, seed, close: () => db.close() };
  },
}];

function contract(name: string, fn: (store: ContractStore, seed: Seed) => Promise<void>): void {
  for (const engine of ENGINES) {
    Deno.test(`store contract (${engine.name}): ${name}`, async () => {
      const { store, seed, close } = engine.open();
      try {
        await fn(store, seed);
      } finally {
        close();
      }
    });
  }
}

const T0 = Date.parse("2026-12-01T00:00:00.000Z");
const key = (n: number) => ({
  name: `key ${n}`,
  prefix: `ek_r_${n}`,
  secretHash: `${n}`.padStart(64, "0"),
  scope: "read" as const,
  createdAt: T0 + n,
});

contract(
  "API keys: created within the live limit, found by hash, revoked once, purged",
  async (s) => {
    const first = await s.apiKeys.create(key(1), { maxLive: 2 });
    assert.ok(first);
    assert.equal(first.name, "key 1");
    assert.equal(first.revokedAt, null);
    assert.ok(await s.apiKeys.create(key(2), { maxLive: 2 }));
    assert.equal(await s.apiKeys.create(key(3), { maxLive: 2 }), null, "the limit holds");
    assert.deepEqual((await s.apiKeys.list()).map((k) => k.name), ["key 2", "key 1"]);

    assert.equal((await s.apiKeys.findByHash(key(1).secretHash))?.id, first.id);
    assert.equal(await s.apiKeys.findByHash(key(9).secretHash), null);
    await s.apiKeys.touch(first.id, T0 + 60_000);
    assert.equal((await s.apiKeys.findByHash(key(1).secretHash))?.lastUsedAt, T0 + 60_000);

    assert.equal(await s.apiKeys.revoke(first.id, T0 + 1000), "revoked");
    assert.equal(await s.apiKeys.revoke(first.id, T0 + 2000), "already_revoked");
    assert.equal(await s.apiKeys.revoke(999, T0), "not_found");
    assert.deepEqual((await s.apiKeys.list()).map((k) => [k.name, k.revokedAt]), [
      ["key 2", null],
      ["key 1", T0 + 1000],
    ], "live keys first");
    assert.ok(await s.apiKeys.create(key(3), { maxLive: 2 }), "a revoked key frees its place");

    assert.equal(await s.apiKeys.purgeRevoked(T0 + 1000), 0, "revoked at, not before");
    assert.equal(await s.apiKeys.purgeRevoked(T0 + 1001), 1);
    assert.equal(await s.apiKeys.findByHash(key(1).secretHash), null);
  },
);

const session = (n: number, at: number, username = "admin"): AdminSessionRecord => ({
  tokenHash: `token-${n}`,
  username,
  credentialTag: "tag-1",
  createdAt: at,
  lastSeenAt: at,
  expiresAt: at + 86_400_000,
  userAgent: "ua",
  ip: null,
});

contract(
  "admin sessions: a user keeps the most recent ones; expired and idle ones go",
  async (s) => {
    for (let n = 1; n <= 3; n++) {
      await s.adminSessions.open(session(n, T0 + n), { keepPerUser: 2 });
    }
    assert.equal(await s.adminSessions.find("token-1"), null, "the least recently used is out");
    assert.deepEqual(await s.adminSessions.find("token-3"), session(3, T0 + 3));
    await s.adminSessions.touch("token-2", T0 + 100);
    assert.equal((await s.adminSessions.find("token-2"))?.lastSeenAt, T0 + 100);

    assert.equal(await s.adminSessions.end("token-3"), true);
    assert.equal(await s.adminSessions.end("token-3"), false);
    await s.adminSessions.open(session(4, T0 + 50), { keepPerUser: 2 });
    // token-4 idle since T0+50, token-2 since T0+100.
    assert.equal(await s.adminSessions.purgeExpired(T0 + 200, T0 + 60), 1);
    assert.equal(await s.adminSessions.find("token-4"), null);
    assert.equal(await s.adminSessions.purgeExpired(T0 + 86_400_000 + 2, 0), 1, "absolute expiry");
    assert.equal(await s.adminSessions.find("token-2"), null);
  },
);

contract(
  "admin account: the first password stands; a replacement ends the other sessions",
  async (s) => {
    assert.equal(await s.adminAccount.passwordHash(), null);
    assert.equal(await s.adminAccount.initPasswordHash("hash-a"), "hash-a");
    assert.equal(await s.adminAccount.initPasswordHash("hash-b"), "hash-a", "a second start loses");
    for (let n = 1; n <= 3; n++) {
      await s.adminSessions.open(session(n, T0 + n), { keepPerUser: 20 });
    }
    const ended = await s.adminAccount.replacePassword({
      passwordHash: "hash-c",
      keepTokenHash: "token-2",
      keptCredentialTag: "tag-2",
    });
    assert.equal(ended, 2);
    assert.equal(await s.adminAccount.passwordHash(), "hash-c");
    assert.equal((await s.adminSessions.find("token-2"))?.credentialTag, "tag-2");
    assert.equal(await s.adminSessions.find("token-1"), null);
    assert.equal(
      await s.adminAccount.replacePassword({
        passwordHash: "hash-d",
        keepTokenHash: null,
        keptCredentialTag: "tag-3",
      }),
      1,
      "null keeps none",
    );
  },
);

contract("settings: set together, read one or many, insert only when absent", async (s) => {
  assert.equal(await s.settings.get("a"), null);
  await s.settings.set({ a: "1", b: "2" });
  await s.settings.set({ b: "3" });
  assert.deepEqual(
    await s.settings.getMany(["a", "b", "missing"]),
    new Map([["a", "1"], ["b", "3"]]),
  );
  assert.equal(await s.settings.getOrInsert("a", "9"), "1");
  assert.equal(await s.settings.getOrInsert("c", "9"), "9");
  assert.equal(await s.settings.get("c"), "9");
});

const definition = (overrides: Partial<ExperimentDefinitionRecord> = {}) => ({
  experiment_id: "exp",
  site_id: "shop",
  name: "Button",
  description: null,
  metric_event_type: "custom:purchase",
  allocation_percent: 100,
  variants: [
    { variant_id: "control", name: "Control", weight: 50, is_control: true, config: null },
    { variant_id: "green", name: "Green", weight: 50, is_control: false, config: '{"c":1}' },
  ],
  ...overrides,
});

contract(
  "experiments: drafts with variants, edits and moves all or nothing, compare-and-set",
  async (s) => {
    const at = "2026-12-01T00:00:00.000Z";
    assert.equal(await s.experiments.create(definition(), at), true);
    assert.equal(await s.experiments.create(definition({ name: "Other" }), at), false);
    const stored = await s.experiments.get("exp");
    assert.equal(stored?.status, "draft");
    assert.deepEqual(stored?.variants, definition().variants);

    const edited = definition({ name: "Renamed", variants: definition().variants.slice(0, 1) });
    assert.equal(await s.experiments.replaceDraft(edited, { to: "active", at }), "replaced");
    const started = await s.experiments.get("exp");
    assert.equal(started?.name, "Renamed");
    assert.equal(started?.status, "active");
    assert.equal(started?.started_at, at);
    assert.equal(started?.variants.length, 1);
    assert.equal(await s.experiments.replaceDraft(definition({ name: "Late" })), "not_draft");
    assert.equal((await s.experiments.get("exp"))?.name, "Renamed", "nothing changed");

    const pause = { id: "exp", from: "active", to: "paused", at };
    assert.equal(await s.experiments.changeStatus(pause), true);
    assert.equal(await s.experiments.changeStatus(pause), false, "a stale status changes nothing");
    assert.equal(await s.experiments.deleteDraft("exp"), false);
    assert.equal(
      await s.experiments.create(definition({ experiment_id: "b", site_id: "blog" }), at),
      true,
    );
    assert.deepEqual(
      (await s.experiments.list({ siteId: "shop", statuses: ["paused"], limit: 10 })).map((e) =>
        e.experiment_id
      ),
      ["exp"],
    );
    assert.equal(await s.experiments.deleteDraft("b"), true);
    assert.equal(await s.experiments.get("b"), null);
  },
);

contract("segments: one name per site, read back as stored, deleted once", async (s) => {
  const filters = [["is", "visit:country", ["FI"]]];
  const created = await s.segments.create({ siteId: "shop", name: "Finns", filters });
  assert.ok(created);
  assert.deepEqual(created.filters, filters);
  assert.equal(await s.segments.create({ siteId: "shop", name: "Finns", filters }), null);
  assert.ok(await s.segments.create({ siteId: "blog", name: "Finns", filters }));
  assert.deepEqual((await s.segments.list("shop")).map((x) => x.site_id), ["shop"]);
  assert.equal((await s.segments.list(null)).length, 2);
  assert.deepEqual(await s.segments.get(created.id), created);
  assert.equal(await s.segments.delete(created.id), true);
  assert.equal(await s.segments.delete(created.id), false);
  assert.equal(await s.segments.get(created.id), null);
});

contract("telemetry: what the instance uses, no more", async (s) => {
  assert.deepEqual(await s.telemetry.usage(), {
    sites: 0,
    experiments: false,
    campaigns: false,
    perfMetrics: false,
  });
  await s.experiments.create(definition(), "2026-12-01T00:00:00.000Z");
  assert.equal((await s.telemetry.usage()).experiments, true);
});

const DAY = "2026-12-01";
const at = (hour: number) => `${DAY}T${String(hour).padStart(2, "0")}:00:00.000Z`;
const since = { today: at(0), monthStart: "2026-11-02T00:00:00.000Z" };

contract(
  "sites: created once, a hit's site registered by the admin, read back",
  async (s, seed) => {
    assert.equal(await s.sites.create("shop", "Shop"), "created");
    assert.equal(await s.sites.create("shop", "Other"), "exists");
    assert.deepEqual(await s.sites.get("shop"), {
      site_id: "shop",
      name: "Shop",
      source: "admin",
      created_at: (await s.sites.get("shop"))!.created_at,
      consent_css: "",
      send_form_values: false,
      query_allowlist: [],
      time_zone: "UTC",
    }, 'an admin site with default settings; "exists" changed nothing');
    seed.siteFromHit("blog", at(1));
    assert.equal((await s.sites.get("blog"))?.source, "auto");
    assert.equal(await s.sites.create("blog", null), "registered");
    const blog = await s.sites.get("blog");
    assert.deepEqual([blog?.source, blog?.name, blog?.created_at], ["admin", null, at(1)]);
    assert.equal(await s.sites.get("nope"), null);
  },
);

contract(
  "sites: a change applies to the stored values; a site not registered gets none",
  async (s) => {
    await s.sites.create("shop", "Shop");
    const changed = await s.sites.update("shop", {
      consent_css: ".b{color:red}",
      query_allowlist: ["ref", "q"],
      time_zone: "Europe/Helsinki",
    });
    assert.equal(changed?.name, "Shop", "an absent field keeps its stored value");
    assert.deepEqual(
      [changed?.consent_css, changed?.query_allowlist, changed?.time_zone],
      [".b{color:red}", ["ref", "q"], "Europe/Helsinki"],
    );
    const renamed = await s.sites.update("shop", { name: null, send_form_values: true });
    assert.deepEqual(renamed, { ...changed, name: null, send_form_values: true });
    assert.deepEqual(await s.sites.get("shop"), renamed, "the answer is what is stored");
    assert.deepEqual(
      await s.sites.timeZones(["shop", "blog"]),
      new Map([["shop", "Europe/Helsinki"]]),
    );
    await s.sites.update("shop", { time_zone: "UTC" });
    assert.deepEqual(await s.sites.timeZones(["shop"]), new Map(), "UTC is no zone of its own");
    assert.equal((await s.sites.get("shop"))?.consent_css, ".b{color:red}");

    assert.equal(await s.sites.update("gone", { name: "Gone" }), null);
    assert.equal(await s.sites.get("gone"), null, "no site is made by a change");
  },
);

contract(
  "sites: bounded choices, admin sites first; pages by id with human views",
  async (s, seed) => {
    for (const id of ["c-admin", "a-admin"]) await s.sites.create(id, id.toUpperCase());
    for (const id of ["b-auto", "d-auto"]) seed.siteFromHit(id, at(2));
    assert.deepEqual(await s.sites.choices(3), {
      options: [
        { site_id: "a-admin", name: "A-ADMIN" },
        { site_id: "c-admin", name: "C-ADMIN" },
        { site_id: "b-auto", name: null },
      ],
      total: 4,
    });
    seed.views([
      { site_id: "b-auto", created_at: at(3) },
      { site_id: "b-auto", created_at: "2026-11-20T00:00:00.000Z" },
      { site_id: "b-auto", created_at: at(4), bot_score: 90 },
      { site_id: "a-admin", created_at: "2026-10-01T00:00:00.000Z" },
    ]);
    const first = await s.sites.list({ since }, { cursor: null, direction: "after", limit: 2 });
    assert.deepEqual(
      first.rows.map((r) => [r.site_id, r.source, r.views_today, r.views_30d]),
      [["a-admin", "admin", 0, 0], ["b-auto", "auto", 1, 2]],
      "bots and views before the range are not counted",
    );
    assert.deepEqual([first.hasPrev, first.hasNext], [false, true]);
    const next = await s.sites.list({ since }, { cursor: "b-auto", direction: "after", limit: 2 });
    assert.deepEqual(next.rows.map((r) => r.site_id), ["c-admin", "d-auto"]);
    assert.deepEqual([next.hasPrev, next.hasNext], [true, false]);
    const found = await s.sites.list(
      { since, search: "c-ad" },
      { cursor: null, direction: "after", limit: 10 },
    );
    assert.deepEqual(found.rows.map((r) => r.site_id), ["c-admin"]);
    assert.equal(await s.sites.firstStoredView("b-auto"), "2026-11-20T00:00:00.000Z");
    assert.equal(await s.sites.firstStoredView(null), "2026-10-01T00:00:00.000Z");
    assert.equal(await s.sites.firstStoredView("c-admin"), null);
  },
);

contract("sites: deleted alone, or with everything stored for it", async (s, seed) => {
  for (const id of ["shop", "blog"]) {
    await s.sites.create(id, null);
    await s.sites.update(id, { time_zone: "Asia/Tokyo" });
    seed.views([{ site_id: id, created_at: at(1) }, { site_id: id, created_at: at(2) }]);
    seed.events([{ site_id: id, created_at: at(1) }]);
  }
  const kept = await s.sites.delete("blog", { purgeData: false });
  assert.deepEqual([kept.site, kept.views, kept.events], [1, 0, 0]);
  assert.equal(await s.sites.get("blog"), null);
  assert.deepEqual(await s.sites.timeZones(["blog"]), new Map(), "its settings went with it");
  assert.deepEqual(await s.sites.dataCounts("blog"), { views: 2, events: 1 }, "data kept");

  assert.deepEqual(await s.sites.dataCounts("shop"), { views: 2, events: 1 });
  const purged = await s.sites.delete("shop", { purgeData: true });
  assert.deepEqual([purged.site, purged.views, purged.events], [1, 2, 1]);
  assert.deepEqual(await s.sites.dataCounts("shop"), { views: 0, events: 0 });
  assert.equal(await s.sites.firstStoredView("shop"), null);
  assert.deepEqual(await s.sites.dataCounts("blog"), { views: 2, events: 1 }, "others untouched");
  assert.equal((await s.sites.delete("shop", { purgeData: true })).site, 0, "already gone");
});

contract("sites: the admin header's live figures, per site and for all", async (s, seed) => {
  seed.views([
    // Active (the last 5 minutes from 12:00): a person on shop, one on blog.
    { site_id: "shop", created_at: `${DAY}T11:58:00.000Z`, visitor_id: "anna" },
    { site_id: "shop", created_at: `${DAY}T11:59:00.000Z`, visitor_id: "anna" },
    { site_id: "blog", created_at: `${DAY}T11:57:00.000Z`, visitor_id: "ben" },
    // Earlier today: a person, a bot by score, a person later excluded.
    { site_id: "shop", created_at: at(3), visitor_id: "cleo" },
    { site_id: "shop", created_at: at(4), visitor_id: "crawler", bot_score: 90 },
    { site_id: "shop", created_at: `${DAY}T11:58:30.000Z`, visitor_id: "spam" },
    // Yesterday: no figure counts it.
    { site_id: "shop", created_at: "2026-11-30T23:59:00.000Z", visitor_id: "dora" },
  ]);
  await s.bots.exclude("spam", "spam", at(5));
  const window = { activeSince: `${DAY}T11:55:00.000Z`, todaySince: at(0) };
  assert.deepEqual(await s.sites.liveFigures({ site: "shop", ...window }), {
    active_visitors: 1,
    views_today: 3,
    bot_views_today: 2,
  });
  assert.deepEqual(await s.sites.liveFigures({ site: null, ...window }), {
    active_visitors: 2,
    views_today: 4,
    bot_views_today: 2,
  });
  assert.deepEqual(
    await s.sites.liveFigures({ site: "none", ...window }),
    { active_visitors: 0, views_today: 0, bot_views_today: 0 },
    "a site without views",
  );
  // A day that starts earlier in another zone counts yesterday's late view too.
  const earlier = { ...window, todaySince: "2026-11-30T23:00:00.000Z" };
  assert.equal((await s.sites.liveFigures({ site: "shop", ...earlier })).views_today, 4);
});

contract("instance: the schema version is the newest migration applied", async (s) => {
  const version = await s.instance.schemaVersion();
  assert.ok(Number.isInteger(version) && version >= 17, `version ${version}`);
});

contract("instance: the storage answers, no write refused", async (s) => {
  assert.deepEqual(await s.instance.health(60_000), { reachable: true, recentFailure: null });
});

const campaign = (overrides: Partial<CampaignRecord> = {}): CampaignRecord => ({
  id: "spring",
  name: "Spring",
  utm_campaign: "spring",
  site_id: "shop",
  status: "active",
  created_at: at(1),
  ...overrides,
});

contract("campaigns: one per site and value, unique ids, derived ids made unique", async (s) => {
  const created = await s.campaigns.create({ campaign: campaign(), derivedId: false });
  assert.deepEqual(created, { kind: "created", campaign: campaign() });
  assert.deepEqual(
    await s.campaigns.create({ campaign: campaign({ id: "other" }), derivedId: false }),
    { kind: "duplicate_value", existing: campaign() },
  );
  assert.deepEqual(
    await s.campaigns.create({
      campaign: campaign({ utm_campaign: "summer", site_id: "blog" }),
      derivedId: false,
    }),
    { kind: "duplicate_id", id: "spring" },
  );
  const derived = [];
  for (const site of ["blog", "docs"]) {
    const outcome = await s.campaigns.create({
      campaign: campaign({ site_id: site, created_at: at(site === "blog" ? 2 : 3) }),
      derivedId: true,
    });
    assert.equal(outcome.kind, "created");
    if (outcome.kind === "created") derived.push(outcome.campaign.id);
  }
  assert.deepEqual(derived, ["spring-2", "spring-3"]);
  assert.deepEqual(
    (await s.campaigns.list({})).map((c) => c.id),
    ["spring-3", "spring-2", "spring"],
    "newest first",
  );
  assert.deepEqual((await s.campaigns.list({ siteId: "blog" })).map((c) => c.id), ["spring-2"]);
});

contract("campaigns: changed and removed by id, the answer is what is stored", async (s) => {
  await s.campaigns.create({ campaign: campaign(), derivedId: false });
  const paused = await s.campaigns.update("spring", { status: "paused" });
  assert.deepEqual(paused, campaign({ status: "paused" }));
  assert.deepEqual(await s.campaigns.update("spring", { name: "Spring sale" }), {
    ...paused,
    name: "Spring sale",
  });
  assert.deepEqual(
    await s.campaigns.get("spring"),
    campaign({ status: "paused", name: "Spring sale" }),
  );
  assert.deepEqual((await s.campaigns.list({ status: "active" })).length, 0);
  assert.equal(await s.campaigns.update("nope", { name: "X" }), null);
  assert.equal(await s.campaigns.get("nope"), null);
  assert.equal(await s.campaigns.delete("spring"), true);
  assert.equal(await s.campaigns.delete("spring"), false);
  assert.equal(await s.campaigns.get("spring"), null);
  assert.deepEqual(
    await s.campaigns.create({ campaign: campaign(), derivedId: false }),
    { kind: "created", campaign: campaign() },
    "its value and id are free again",
  );
});

contract(
  "bots: an exclusion is added once with its label, listed, and removed once",
  async (s, seed) => {
    seed.views([
      { site_id: "shop", created_at: at(1), visitor_id: "v1", bot_score: 10 },
      { site_id: "shop", created_at: at(2), visitor_id: "v1", bot_score: 80 },
      { site_id: "shop", created_at: at(2), visitor_id: "v2", bot_score: 90 },
    ]);
    assert.equal(await s.bots.exclude("v1", "scraper", at(3)), true);
    assert.equal(await s.bots.exclude("v1", "renamed", at(4)), false, "already excluded");
    assert.equal(await s.bots.exclude("ghost", null, at(5)), true, "a visitor without rows");
    assert.deepEqual(await s.bots.excluded(10), [
      { visitor_id: "ghost", label: null, created_at: at(5), pageviews: 0, max_bot_score: null },
      { visitor_id: "v1", label: "scraper", created_at: at(3), pageviews: 2, max_bot_score: 80 },
    ], "newest first, the first label kept, with the visitor's stored views");
    assert.deepEqual((await s.bots.excluded(1)).map((x) => x.visitor_id), ["ghost"], "bounded");
    assert.deepEqual(
      (await s.bots.history("v1", 10)).exclusion,
      { visitor_id: "v1", label: "scraper", created_at: at(3) },
    );
    assert.equal((await s.bots.history("v2", 10)).exclusion, null);

    assert.equal(await s.bots.include("v1"), true);
    assert.equal(await s.bots.include("v1"), false, "removed once");
    assert.equal((await s.bots.history("v1", 10)).exclusion, null);
    assert.deepEqual((await s.bots.excluded(10)).map((x) => x.visitor_id), ["ghost"]);
    assert.equal((await s.bots.history("v1", 10)).views.length, 2, "the views stay stored");
  },
);

contract(
  "bots: a visitor's history newest first and bounded, each row's score breakdown parsed",
  async (s, seed) => {
    seed.views([
      { site_id: "shop", created_at: at(1), visitor_id: "v1", path: "/a", bot_score_detail: null },
      {
        site_id: "shop",
        created_at: at(3),
        visitor_id: "v1",
        path: "/c",
        bot_score: 45,
        bot_score_detail: '{"ua_headless":40,"correlated":{"penalty":5}}',
      },
      { site_id: "blog", created_at: at(2), visitor_id: "v1", path: "/b", bot_score_detail: "[1]" },
      { site_id: "shop", created_at: at(4), visitor_id: "v2", path: "/other" },
    ]);
    seed.events([
      { site_id: "shop", created_at: at(2), visitor_id: "v1", bot_score_detail: "not json" },
      {
        site_id: "shop",
        created_at: at(3),
        visitor_id: "v1",
        bot_score: 20,
        bot_score_detail: '{"pow_result":"valid"}',
      },
    ]);
    const history = await s.bots.history("v1", 2);
    assert.deepEqual(history.views.map((v) => [v.path, v.site_id, v.bot_score_detail]), [
      ["/c", "shop", { ua_headless: 40, correlated: { penalty: 5 } }],
      ["/b", "blog", null],
    ], "the latest 2, newest first; a stored breakdown that is no JSON object reads as null");
    assert.deepEqual(history.events.map((e) => [e.created_at, e.bot_score_detail]), [
      [at(3), { pow_result: "valid" }],
      [at(2), null],
    ]);
    assert.equal((await s.bots.history("v1", 100)).views.length, 3);
    assert.deepEqual(await s.bots.history("nobody", 10), {
      exclusion: null,
      views: [],
      events: [],
    });

    const [view] = history.views;
    assert.deepEqual(await s.bots.score("view", view.id), {
      score: 45,
      detail: { ua_headless: 40, correlated: { penalty: 5 } },
    });
    const [event] = history.events;
    assert.deepEqual(await s.bots.score("event", event.id), {
      score: 20,
      detail: { pow_result: "valid" },
    });
    assert.equal(await s.bots.score("view", 1_000_000), null);
    assert.equal(await s.bots.score("event", 1_000_000), null);
  },
);

const crawl = (overrides: Partial<CrawlDelta> = {}): CrawlDelta => ({
  date: "2026-12-01",
  siteId: "shop",
  crawler: "GPTBot",
  path: "/guide",
  verification: "verified",
  hits: 1,
  errors: 0,
  ...overrides,
});

/** The stored row of a delta: `counted({ hits: 3 })` is the row crawl() adds, with 3 hits. */
const counted = (overrides: Partial<CrawlDelta> = {}): CrawlerCountRow => {
  const { date, siteId: site_id, crawler, path, verification, hits, errors } = crawl(overrides);
  return { date, site_id, crawler, path, verification, hits, errors };
};

contract(
  "crawlers: hits added to their day's counts; past the daily rows, new paths go to (other)",
  async (s, seed) => {
    await s.crawlers.add([crawl(), crawl({ hits: 2, errors: 1 })], {});
    await s.crawlers.add([crawl({ verification: "unverified" })], {});
    assert.deepEqual(seed.crawlerCounts(), [
      counted({ verification: "unverified" }),
      counted({ hits: 3, errors: 1 }),
    ]);
    await s.crawlers.add([
      crawl({ path: "/new-1" }),
      crawl({ path: "/new-2", hits: 4 }),
      crawl({ hits: 5 }),
      crawl({ date: "2026-12-02", path: "/next-day" }),
    ], { maxDailyRows: 3 });
    assert.deepEqual(seed.crawlerCounts(), [
      counted({ path: "(other)", hits: 4 }),
      counted({ verification: "unverified" }),
      counted({ hits: 8, errors: 1 }),
      counted({ path: "/new-1" }),
      counted({ date: "2026-12-02", path: "/next-day" }),
    ], "the third row of the day is its last; existing rows still count; each day has its own");
  },
);

contract("crawlers: an import's batch and its progress are stored together", async (s, seed) => {
  assert.equal(await s.crawlers.importProgress("log-1"), null);
  const progress = { sourceKey: "log-1", siteId: "shop", bytes: 120, lines: 2 };
  await s.crawlers.saveImportBatch([crawl()], progress, at(1), {});
  assert.deepEqual(await s.crawlers.importProgress("log-1"), progress);
  await s.crawlers.saveImportBatch(
    [crawl({ hits: 2 })],
    { ...progress, bytes: 300, lines: 5 },
    at(2),
    {},
  );
  assert.deepEqual(await s.crawlers.importProgress("log-1"), { ...progress, bytes: 300, lines: 5 });
  assert.deepEqual(seed.crawlerCounts(), [counted({ hits: 3 })]);
  assert.equal(await s.crawlers.importProgress("log-2"), null, "each log has its own");
});

const metric = (n: number, overrides: Partial<PerfMetricInsert> = {}): PerfMetricInsert => ({
  category: "build",
  metric: "bundle",
  value: n,
  unit: "bytes",
  commit_hash: `c${n}`,
  branch: "main",
  metadata: null,
  recorded_at: at(n),
  ...overrides,
});

contract(
  "perf: a batch stored together, listed newest first by filter, metadata as posted",
  async (s) => {
    assert.equal(await s.perf.add([]), 0);
    assert.equal(
      await s.perf.add([
        metric(1, { metadata: '{"runner":"ci-1"}' }),
        metric(2, { metric: "startup", unit: "ms", metadata: "[1,2]" }),
        metric(2, { branch: null, metadata: "{cut" }),
        metric(3, { category: "db", branch: "dev" }),
      ]),
      4,
    );
    const all = await s.perf.list({}, 10);
    assert.deepEqual(all.map((m) => [m.category, m.metric, m.branch, m.recorded_at]), [
      ["db", "bundle", "dev", at(3)],
      ["build", "bundle", null, at(2)],
      ["build", "startup", "main", at(2)],
      ["build", "bundle", "main", at(1)],
    ], "newest first; rows of one instant in the reverse of their posted order");
    assert.deepEqual(all.map((m) => m.metadata), [
      null,
      { text: "{cut" },
      { value: [1, 2] },
      { runner: "ci-1" },
    ], "an object back as posted; other JSON as {value}; text that is no JSON as {text}");
    const { id, ...first } = all[3];
    assert.equal(typeof id, "number");
    assert.deepEqual(first, { ...metric(1), metadata: { runner: "ci-1" } });
    assert.equal((await s.perf.list({}, 2)).length, 2, "bounded");
    assert.deepEqual(
      (await s.perf.list({ category: "build", metric: "bundle", branch: "main" }, 10))
        .map((m) => m.value),
      [1],
    );
    assert.deepEqual(
      (await s.perf.list({ from: at(2), to: at(3) }, 10)).map((m) => m.recorded_at),
      [at(2), at(2)],
      "from inclusive, to exclusive",
    );
  },
);

contract(
  "perf: the last values of each series, oldest first; series bounded; facets",
  async (s) => {
    await s.perf.add([
      ...[1, 2, 3, 4].map((n) => metric(n)),
      metric(5, { branch: "dev" }),
      metric(6, { unit: "kB" }),
      metric(7, { category: "db", metric: "query", unit: "ms", branch: null }),
    ]);
    const found = await s.perf.series({}, 2, 10);
    assert.equal(found.truncated, false);
    assert.deepEqual(
      found.series.map((x) => [
        x.category,
        x.metric,
        x.branch,
        x.unit,
        x.points.map((p) => p.value),
      ]),
      [
        ["build", "bundle", "dev", "bytes", [5]],
        ["build", "bundle", "main", "bytes", [3, 4]],
        ["build", "bundle", "main", "kB", [6]],
        ["db", "query", null, "ms", [7]],
      ],
      "each branch and unit its own series, by category, metric, branch and unit",
    );
    assert.deepEqual(found.series[1].points[1], {
      value: 4,
      recorded_at: at(4),
      commit_hash: "c4",
    });
    const one = await s.perf.series({ branch: "main", category: "build" }, 10, 10);
    assert.deepEqual(one.series.map((x) => x.points.length), [4, 1]);
    const bounded = await s.perf.series({}, 2, 2);
    assert.equal(bounded.truncated, true);
    assert.equal(bounded.series.length, 2);
    assert.deepEqual(await s.perf.facets(), {
      categories: ["build", "db"],
      branches: ["dev", "main"],
    });
  },
);

contract("retention: a day's run is recorded started, then complete or failed", async (s) => {
  const day = "2026-12-01";
  assert.equal(await s.retention.run(day), null);
  await s.retention.start(day, at(1));
  const started = {
    date: day,
    status: "started",
    startedAt: at(1),
    completedAt: null,
    counts: null,
    error: null,
  };
  assert.deepEqual(await s.retention.run(day), started);
  const counts = {
    rollupRows: 7,
    views: 6,
    events: 5,
    botTraffic: 4,
    rollups: 3,
    perfMetrics: 2,
    apiKeys: 1,
  };
  await s.retention.finish(day, at(2), counts);
  assert.deepEqual(await s.retention.run(day), {
    ...started,
    status: "complete",
    completedAt: at(2),
    counts,
  });
  await s.retention.start(day, at(3));
  assert.deepEqual(
    await s.retention.run(day),
    { ...started, startedAt: at(3) },
    "a new attempt",
  );
  await s.retention.fail(day, at(4), "disk full ".repeat(200));
  const failed = await s.retention.run(day);
  assert.equal(failed?.status, "failed");
  assert.equal(failed?.completedAt, at(4));
  assert.equal(failed?.error?.length, 1000, "the error is kept, bounded");
  assert.ok(failed?.error?.startsWith("disk full disk full"));
  assert.equal(await s.retention.run("2026-12-02"), null, "each day has its own");
});

contract(
  "retention: expired rows go in bounded batches, clean and bot-scored by their own cutoffs",
  async (s, seed) => {
    const rows = (visitor: string, hour: number, score: number) => ({
      site_id: "shop",
      visitor_id: visitor,
      created_at: at(hour),
      bot_score: score,
    });
    // Clean rows before 03:00 are past retention, bot-scored rows before 08:00.
    const cut = { cleanBefore: at(3), botBefore: at(8) };
    const seeded = [
      rows("clean-old", 1, 0),
      rows("clean-kept", 5, 0),
      rows("bot-old", 5, 80),
      rows("bot-old", 2, 80),
      rows("bot-kept", 9, 80),
    ];
    seed.views(seeded);
    seed.events(seeded);
    const drain = async (purge: () => Promise<number>) => {
      const batches = [];
      for (let n = -1; n !== 0;) batches.push(n = await purge());
      return batches;
    };
    assert.deepEqual(await drain(() => s.retention.purgeViews(cut, 2)), [2, 1, 0]);
    assert.deepEqual(await drain(() => s.retention.purgeEvents(cut, 2)), [2, 1, 0]);
    assert.deepEqual(await s.sites.dataCounts("shop"), { views: 2, events: 2 });
    for (const visitor of ["clean-kept", "bot-kept"]) {
      const history = await s.bots.history(visitor, 10);
      assert.equal(history.views.length, 1, visitor);
      assert.equal(history.events.length, 1, visitor);
    }
    assert.deepEqual((await s.bots.history("bot-old", 10)).views, []);
    assert.deepEqual((await s.bots.history("clean-old", 10)).events, []);
    await s.retention.optimize();
  },
);

contract(
  "retention: bot and crawler counters by day, perf metrics by instant, each in batches",
  async (s, seed) => {
    seed.knownBotHits(["2026-11-29", "2026-11-30", "2026-12-01"].map((date) => ({
      date,
      site_id: "shop",
      bot_name: "Googlebot",
      path: "/",
    })));
    assert.equal(await s.retention.purgeKnownBots("2026-12-01", 1), 1);
    assert.equal(await s.retention.purgeKnownBots("2026-12-01", 1), 1);
    assert.equal(await s.retention.purgeKnownBots("2026-12-01", 1), 0, "the day kept");

    await s.crawlers.add([
      crawl({ date: "2026-11-30" }),
      crawl({ date: "2026-11-30", crawler: "ClaudeBot" }),
      crawl(),
    ], {});
    assert.equal(await s.crawlers.purge("2026-12-01", 10), 2);
    assert.deepEqual(seed.crawlerCounts(), [counted()]);

    await s.perf.add([1, 2, 3].map((n) => metric(n)));
    assert.equal(await s.perf.purge(at(3), 1), 1);
    assert.equal(await s.perf.purge(at(3), 5), 1);
    assert.deepEqual((await s.perf.list({}, 10)).map((m) => m.recorded_at), [at(3)]);
  },
);

contract(
  "exports: the rows stored when the export began, oldest first in batches, as the file's cells",
  async (s, seed) => {
    seed.views([
      { site_id: "shop", created_at: at(3), visitor_id: "v1", path: "/c" },
      { site_id: "shop", created_at: at(1), visitor_id: "v1", path: "/a" },
      { site_id: "shop", created_at: at(2), visitor_id: "bot", path: "/b", bot_score: 90 },
      { site_id: "blog", created_at: at(2), visitor_id: "v2", path: "/other-site" },
      { site_id: "shop", created_at: at(9), visitor_id: "v1", path: "/after-the-period" },
    ]);
    await s.bots.exclude("v1", null, at(4));
    const period: RawExportQuery = { siteId: "shop", since: at(1), until: at(5), bots: "all" };
    const views = await s.exports.raw("views", period, 2);
    assert.deepEqual(views.columns, ["id", ...VIEW_COLUMNS, "is_excluded"]);
    seed.views([{ site_id: "shop", created_at: at(2), visitor_id: "late", path: "/late" }]);
    const cell = (row: unknown[], column: string) => row[views.columns.indexOf(column)];
    const batches = [];
    for (let batch; (batch = await views.next()) !== null;) {
      batches.push(batch.map((row) => [cell(row, "path"), cell(row, "is_excluded")]));
    }
    assert.deepEqual(batches, [[["/a", 1], ["/b", 0]], [["/c", 1]]], "the late row is left out");
    assert.equal(await views.next(), null, "complete");

    const rows = async (kind: "views" | "events", query: Partial<RawExportQuery>) => {
      const found = await s.exports.raw(kind, { ...period, ...query });
      const path = found.columns.indexOf("path");
      return (await found.next())?.map((row) => row[path]) ?? [];
    };
    assert.deepEqual(await rows("views", { bots: "humans" }), ["/late"], "excluded and bots out");
    assert.deepEqual(await rows("views", { bots: "bots" }), ["/a", "/b", "/c"]);
    assert.deepEqual(await rows("views", { siteId: null }), [
      "/a",
      "/b",
      "/other-site",
      "/late",
      "/c",
    ]);

    seed.events([
      { site_id: "shop", created_at: at(1), path: "/signup", event_name: "signup" },
      { site_id: "shop", created_at: at(2), path: "/buy", event_name: "purchase" },
    ]);
    const events = await s.exports.raw("events", period);
    assert.deepEqual(events.columns, ["id", ...EVENT_COLUMNS, "is_excluded"]);
    assert.deepEqual(await rows("events", { eventName: "purchase" }), ["/buy"]);
    assert.deepEqual(await rows("events", { eventType: "pageleave" }), []);
    assert.deepEqual(await rows("events", { since: at(6) }), []);
  },
);

contract("visitors: a visitor's totals over every site and all time", async (s, seed) => {
  assert.deepEqual(await s.visitors.totals("nobody"), {
    views: 0,
    events: 0,
    first_seen: null,
    last_seen: null,
    max_score: null,
    interaction_ms: 0,
    sites: null,
    devices: null,
    pow_verdicts: [],
  });
  seed.views([
    { site_id: "shop", created_at: at(2), visitor_id: "v1", bot_score: 30 },
    { site_id: "blog", created_at: at(3), visitor_id: "v1", bot_score: 10 },
    { site_id: "shop", created_at: at(4), visitor_id: "v2", bot_score: 99 },
  ]);
  seed.events([
    { site_id: "shop", created_at: at(1), visitor_id: "v1", bot_score: 60 },
    { site_id: "shop", created_at: at(5), visitor_id: "v1" },
  ]);
  const totals = await s.visitors.totals("v1");
  assert.deepEqual(
    [totals.views, totals.events, totals.first_seen, totals.last_seen, totals.max_score],
    [2, 2, at(1), at(5), 60],
    "views and events together: the earliest, the latest, the highest score",
  );
  assert.deepEqual(totals.sites?.split(",").sort(), ["blog", "shop"]);
  assert.deepEqual(totals.pow_verdicts, [{ verdict: "none", views: 2 }]);
});

contract("analytics: pages and events counted for the lists, human rows only", async (s, seed) => {
  seed.views([
    { site_id: "shop", created_at: at(1), visitor_id: "anna", path: "/pricing" },
    { site_id: "shop", created_at: at(2), visitor_id: "anna", path: "/pricing" },
    { site_id: "shop", created_at: at(3), visitor_id: "ben", path: "/pricing" },
    { site_id: "shop", created_at: at(4), visitor_id: "ben", path: "/docs" },
    { site_id: "shop", created_at: at(5), visitor_id: "bot", path: "/docs", bot_score: 90 },
    { site_id: "blog", created_at: at(6), visitor_id: "cleo", path: "/docs" },
    { site_id: "shop", created_at: "2026-11-30T12:00:00.000Z", visitor_id: "dora", path: "/old" },
  ]);
  seed.events([
    { site_id: "shop", created_at: at(1), visitor_id: "anna", event_name: "signup" },
    { site_id: "shop", created_at: at(2), visitor_id: "ben", event_name: "signup" },
    { site_id: "shop", created_at: at(3), visitor_id: "ben" },
  ]);
  const day = { since: at(0), until: `${DAY}T23:59:59.999Z` };
  assert.deepEqual(await s.analytics.topPaths({ site: "shop", pathContains: "", ...day }), [
    { path: "/pricing", views: 3, visitors: 2 },
    { path: "/docs", views: 1, visitors: 1 },
  ]);
  assert.deepEqual(
    await s.analytics.topPaths({ site: null, pathContains: "doc", ...day }, 1),
    [{ path: "/docs", views: 2, visitors: 2 }],
    "every site, a path filter, a limit",
  );
  const counts = await s.analytics.eventCounts({
    site: "shop",
    type: null,
    bots: "humans",
    ...day,
  });
  assert.deepEqual(
    counts.map((c) => [c.event_type, c.event_name, c.events, c.visitors]),
    [["click", "signup", 2, 2], ["click", null, 1, 1]],
  );
});

contract(
  "analytics: the last 24 hours over every site, and the excluded visitors",
  async (s, seed) => {
    seed.views([
      { site_id: "shop", created_at: at(10), visitor_id: "anna" },
      { site_id: "blog", created_at: at(11), visitor_id: "anna" },
      { site_id: "shop", created_at: at(11), visitor_id: "crawler", bot_score: 95 },
      { site_id: "shop", created_at: "2026-11-29T11:00:00.000Z", visitor_id: "old" },
    ]);
    assert.deepEqual(await s.analytics.last24h(Date.parse(at(12))), {
      total_views: 3,
      human_views: 2,
      bot_views: 1,
      unique_visitors: 1,
    }, "anna on two sites is one visitor; the crawler is none");
    await s.bots.exclude("anna", "tester", at(12));
    assert.deepEqual(
      await s.analytics.excludedVisitors(10),
      await s.bots.excluded(10),
      "the read process's answer is the app's",
    );
    assert.deepEqual((await s.analytics.excludedVisitors(10)).map((x) => x.visitor_id), ["anna"]);
  },
);

contract(
  "analytics: the live panel's minutes, hours, active window and recent rows",
  async (s, seed) => {
    const t = (hhmm: string) => `${DAY}T${hhmm}:00.000Z`;
    seed.views([
      { site_id: "shop", created_at: t("09:10"), visitor_id: "anna", path: "/" },
      { site_id: "shop", created_at: t("10:01"), visitor_id: "anna", path: "/a" },
      { site_id: "shop", created_at: t("10:02"), visitor_id: "anna", path: "/b" },
      { site_id: "shop", created_at: t("10:02"), visitor_id: "ben", path: "/a" },
      { site_id: "shop", created_at: t("10:03"), visitor_id: "bot", path: "/a", bot_score: 90 },
      { site_id: "blog", created_at: t("10:03"), visitor_id: "cleo", path: "/a" },
    ]);
    seed.events([{
      site_id: "shop",
      created_at: t("10:02"),
      visitor_id: "ben",
      event_name: "buy",
    }]);
    const window = { siteId: "shop", since: t("10:00"), until: t("10:05") };
    assert.deepEqual(await s.analytics.minuteActivity(window), [
      { minute: `${DAY}T10:01`, views: 1, visitors: 1, events: 0 },
      { minute: `${DAY}T10:02`, views: 2, visitors: 2, events: 1 },
    ]);
    assert.deepEqual(
      await s.analytics.hourActivity({
        siteId: "shop",
        fromHour: `${DAY}T08`,
        toHour: `${DAY}T10`,
      }),
      [
        { hour: `${DAY}T09`, views: 1, visitors: 1, events: 0 },
        // Distinct visitors of each hour (anna in both), humans only.
        { hour: `${DAY}T10`, views: 3, visitors: 2, events: 1 },
      ],
    );
    assert.deepEqual(await s.analytics.nowCounts(window), {
      active_visitors: 2,
      estimated_bots: 1,
      pageviews: 3,
    });
    const visitors = await s.analytics.recentVisitors({ ...window, limit: 1 });
    assert.deepEqual(visitors.map((v) => [v.visitor_id, v.views, v.path]), [["anna", 2, "/b"]]);
    const events = await s.analytics.recentEvents({ ...window, limit: 10 });
    assert.deepEqual(events.map((e) => [e.event_name, e.visitor_id]), [["buy", "ben"]]);
    assert.deepEqual(await s.analytics.activeBreakdown({ ...window, by: "path", limit: 10 }), [
      { value: "/a", views: 2, visitors: 2 },
      { value: "/b", views: 1, visitors: 1 },
    ]);
  },
);

contract(
  "rollups: days built and their states, exclusions marking days, weeks summed",
  async (s, seed) => {
    assert.equal(await s.rollups.oldestRawDay(), null, "nothing stored");
    assert.equal(await s.rollups.siteRawDays("shop"), null, "nothing stored");
    seed.views([
      { site_id: "shop", created_at: "2026-11-30T10:00:00.000Z", visitor_id: "anna" },
      { site_id: "shop", created_at: at(10), visitor_id: "anna" },
      { site_id: "shop", created_at: at(11), visitor_id: "ben" },
      { site_id: "blog", created_at: "2026-12-03T09:00:00.000Z", visitor_id: "cleo" },
    ]);
    assert.equal(await s.rollups.oldestRawDay(), "2026-11-30");
    assert.deepEqual(await s.rollups.siteRawDays("shop"), { first: "2026-11-30", last: DAY });
    assert.deepEqual(await s.rollups.siteRawDays("blog"), {
      first: "2026-12-03",
      last: "2026-12-03",
    });
    assert.equal(await s.rollups.siteRawDays("other"), null);
    assert.deepEqual(await s.rollups.dayStates("2026-11-01", "2026-12-31"), new Map());

    // A whole week (Monday 30 November to Sunday 6 December), built once every day is over.
    const builtAt = Date.parse("2026-12-09T00:00:00.000Z");
    for (const day of ["2026-11-30", DAY, "2026-12-02", "2026-12-03", "2026-12-04"]) {
      assert.equal((await s.rollups.buildDay(day, { builtAt })).date, day);
    }
    for (const day of ["2026-12-05", "2026-12-06"]) await s.rollups.buildDay(day, { builtAt });
    assert.ok((await s.rollups.buildDay(DAY, { builtAt })).rows > 0, "a day with views has rows");
    const states = await s.rollups.dayStates("2026-11-30", DAY);
    assert.deepEqual([...states.keys()], ["2026-11-30", DAY]);
    assert.equal(states.get(DAY)?.built_at, "2026-12-09T00:00:00.000Z");
    assert.ok(states.get(DAY)!.build_ms >= 0);

    // Excluding anna marks her days (within the bounds asked) once.
    await s.bots.exclude("anna", null, at(12));
    assert.deepEqual(await s.rollups.markExclusionChanges(DAY, "2026-12-31"), [DAY]);
    assert.deepEqual(await s.rollups.dirtyDays(), [DAY]);
    assert.deepEqual(await s.rollups.markExclusionChanges("2026-11-01", "2026-12-31"), [], "taken");
    await s.rollups.buildDay(DAY, { builtAt });
    assert.deepEqual(await s.rollups.dirtyDays(), [], "the build cleared its mark");
    // Re-including her marks both her days.
    await s.bots.include("anna");
    assert.deepEqual(await s.rollups.markExclusionChanges("2026-11-01", "2026-12-31"), [
      "2026-11-30",
      DAY,
    ]);

    const stale = await s.rollups.staleBlocks("2026-11-01", "2026-12-07");
    assert.deepEqual(stale.map((b) => [b.first, b.last]), [["2026-11-30", "2026-12-06"]]);
    let pauses = 0;
    await s.rollups.buildBlock(stale[0], {
      builtAt: "2026-12-09T00:00:00.000Z",
      pause: () => Promise.resolve(void pauses++),
    });
    assert.ok(pauses > 0, "the build handed back between its parts");
    assert.deepEqual(await s.rollups.staleBlocks("2026-11-01", "2026-12-07"), [], "now current");
  },
);

/** The query engine's question for a site's pages on DAY (bots hidden). */
function pagesOfDay(siteId: string) {
  const fromMs = Date.parse(at(0));
  return {
    siteIds: [siteId],
    fromMs,
    toMs: Date.parse(at(23)),
    spans: [{ startMs: fromMs, offsetMin: 0 }],
    dimensions: ["event:page"],
    filter: null,
    bots: { mode: "hide" as const, threshold: 50 },
  };
}

contract("analytics: the query engine's aggregates, alone and in a batch", async (s, seed) => {
  seed.views([
    { site_id: "shop", created_at: at(10), visitor_id: "anna", path: "/a" },
    { site_id: "shop", created_at: at(10), visitor_id: "anna", path: "/b" },
    { site_id: "shop", created_at: at(11), visitor_id: "ben", path: "/a" },
    { site_id: "shop", created_at: at(11), visitor_id: "bot", path: "/a", bot_score: 90 },
    { site_id: "blog", created_at: at(11), visitor_id: "cleo", path: "/a" },
    { site_id: "shop", created_at: "2026-11-30T11:00:00.000Z", visitor_id: "dora", path: "/a" },
  ]);
  const query = pagesOfDay("shop");
  const pages = (await s.analytics.aggregates(query, ["views"])).get("views") ?? [];
  assert.deepEqual(
    pages.map((g) => [g.dimensions, g.values.pageviews, g.values.visitors]).sort(),
    [[["/a"], 2, 2], [["/b"], 1, 1]],
  );
  const [all, onlyA, none] = await s.analytics.aggregatesBatch({ ...query, dimensions: [] }, [
    { dimensions: [], filter: null, families: ["views"] },
    {
      dimensions: [],
      filter: { op: "is", dimension: "event:page", values: ["/a"] },
      families: ["views"],
    },
    { dimensions: ["event:page"], filter: null, families: [] },
  ]);
  assert.deepEqual(all.get("views")?.map((g) => g.values.pageviews), [3]);
  assert.deepEqual(onlyA.get("views")?.map((g) => g.values.visitors), [2]);
  assert.equal(none.size, 0, "a member asking no family gets none");
});

contract(
  "maintenance: a day's aggregates rebuilt from the raw rows, per site or all",
  async (s, seed) => {
    seed.views([
      { site_id: "shop", created_at: at(10), visitor_id: "anna", path: "/a" },
      { site_id: "shop", created_at: at(11), visitor_id: "ben", path: "/b" },
      { site_id: "blog", created_at: at(11), visitor_id: "cleo", path: "/a" },
    ]);
    const pages = async (site: string) =>
      ((await s.analytics.aggregates(pagesOfDay(site), ["views"])).get("views") ?? [])
        .map((g) => [g.dimensions, g.values.pageviews]).sort();
    const before = [await pages("shop"), await pages("blog")];
    assert.deepEqual(before[0], [[["/a"], 1], [["/b"], 1]]);
    const shopRows = await s.maintenance.rebuildAggregates(DAY, "shop");
    assert.ok(shopRows > 0, `${shopRows} rows for shop's day`);
    const allRows = await s.maintenance.rebuildAggregates(DAY, null);
    assert.ok(allRows > shopRows, `${allRows} rows for every site's day (blog's too)`);
    assert.equal(
      await s.maintenance.rebuildAggregates("2026-11-20", null),
      0,
      "a day without rows",
    );
    assert.deepEqual([await pages("shop"), await pages("blog")], before, "the same figures");
  },
);

contract(
  "analytics: an overview period from the kept days and today's live rows, or filtered raw rows",
  async (s, seed) => {
    seed.views([
      { site_id: "shop", created_at: "2026-11-30T10:00:00.000Z", visitor_id: "anna", path: "/a" },
      { site_id: "shop", created_at: at(10), visitor_id: "anna", path: "/a" },
      { site_id: "shop", created_at: at(11), visitor_id: "anna", path: "/b" },
      { site_id: "shop", created_at: at(12), visitor_id: "ben", path: "/a" },
      { site_id: "shop", created_at: at(13), visitor_id: "bot", path: "/a", bot_score: 90 },
      { site_id: "blog", created_at: at(9), visitor_id: "cleo", path: "/a" },
    ]);
    // Yesterday kept; today (DAY, by the caller's clock) not built: read live.
    await s.rollups.buildDay("2026-11-30", { builtAt: Date.parse(at(0)) });
    const period = {
      siteId: "shop",
      from: "2026-11-29",
      to: DAY,
      today: DAY,
      rawFrom: "2026-11-01",
      dimensions: [{ dimension: "path", limit: null }, { dimension: "path", limit: 1 }],
    };
    const figures = (rows: { days: { date: string; views: number; visitors: number }[] }) =>
      rows.days.map((d) => [d.date, d.views, d.visitors]).sort();
    const rows = (list: { value: string; views: number; visitors: number }[]) =>
      list.map((r) => [r.value, r.views, r.visitors]);

    const kept = await s.analytics.overviewPeriod({ ...period, filters: {} });
    assert.equal(kept.source.kind, "rollup");
    assert.deepEqual(figures(kept), [["2026-11-30", 1, 1], [DAY, 3, 2]]);
    assert.equal(kept.days.find((d) => d.date === DAY)?.excluded_views, 1, "the bot's view");
    assert.deepEqual(kept.dimensions.map(rows), [
      [["/a", 3, 3], ["/b", 1, 1]],
      [["/a", 3, 3]],
    ], "each ask in order, its limit applied; visitors summed per day");

    const filtered = await s.analytics.overviewPeriod({ ...period, filters: { path: "/a" } });
    assert.deepEqual(filtered.source, { kind: "raw", raw_from: "2026-11-01" });
    assert.deepEqual(figures(filtered), [["2026-11-30", 1, 1], [DAY, 2, 2]]);
    // (/b: a row from the matching visitor's other view, with no matching view of its own)
    assert.deepEqual(filtered.dimensions.map(rows), [[["/a", 3, 3], ["/b", 0, 0]], [["/a", 3, 3]]]);
    const clipped = await s.analytics.overviewPeriod({
      ...period,
      filters: { path: "/a" },
      rawFrom: DAY,
    });
    assert.deepEqual(figures(clipped), [[DAY, 2, 2]], "raw rows before retention's first day");
    const part = await s.analytics.overviewPeriod({
      ...period,
      filters: { path: "/a" },
      part: { dimensions: ["country"], sessions: false },
    });
    assert.deepEqual(figures(part), [["2026-11-30", 1, 1], [DAY, 2, 2]], "totals still");
    assert.deepEqual(part.dimensions, [[], []], "a dimension outside the part is left empty");

    assert.equal(await s.analytics.firstViewAt(["shop", "blog"]), "2026-11-30T10:00:00.000Z");
    assert.equal(await s.analytics.firstViewAt(["blog"]), at(9));
    assert.equal(await s.analytics.firstViewAt(["nobody"]), null);
  },
);

contract("bots: the correlator's clusters and penalties, each applied once", async (s, seed) => {
  seed.views([
    { site_id: "shop", created_at: at(10), visitor_id: "a" },
    { site_id: "shop", created_at: at(10), visitor_id: "b" },
    { site_id: "shop", created_at: at(11), visitor_id: "c" },
    { site_id: "shop", created_at: at(11), visitor_id: "d", bot_score: 60 },
    { site_id: "blog", created_at: at(11), visitor_id: "e" },
    { site_id: "shop", created_at: "2026-11-30T10:00:00.000Z", visitor_id: "a" },
  ]);
  seed.events([{ site_id: "shop", created_at: at(10), visitor_id: "a" }]);
  const range = { since: at(0), until: at(23) };
  // No device fields stored: every view has the same fingerprint.
  const fingerprint = "unknown|unknown|unknown|0x0|unknown";
  const clusters = await s.bots.fingerprintClusters({ ...range, minVisitors: 4 });
  assert.deepEqual(clusters.map((c) => ({ ...c, visitorIds: [...c.visitorIds].sort() })), [
    { siteId: "shop", fingerprint, visitorIds: ["a", "b", "c", "d"], tainted: true },
  ], "one site's group of 4, tainted by d's own score; blog's single visitor is none");
  assert.deepEqual(await s.bots.fingerprintClusters({ ...range, minVisitors: 5 }), []);

  const penalty = {
    siteId: "shop",
    visitorIds: ["a", "b"],
    penalty: 30,
    clusterSize: 4,
    fingerprint,
    since: at(0),
  };
  assert.deepEqual(await s.bots.penalizeCluster(penalty), { views: 2, events: 1 });
  assert.deepEqual(await s.bots.penalizeCluster(penalty), { views: 0, events: 0 }, "once");
  const a = await s.bots.history("a", 10);
  assert.deepEqual(a.views.map((v) => [v.created_at, v.bot_score]), [
    [at(10), 30],
    ["2026-11-30T10:00:00.000Z", 0],
  ], "rows before `since` untouched");
  assert.deepEqual(a.views[0].bot_score_detail?.correlated, {
    penalty: 30,
    cluster_size: 4,
    fingerprint,
  });
  assert.deepEqual(a.events.map((e) => e.bot_score), [30]);

  const eventless = { from: at(0), to: at(23), points: 15 };
  assert.equal(await s.bots.penalizeEventless(eventless), 4, "b, c, d and e: a sent an event");
  assert.equal(await s.bots.penalizeEventless(eventless), 0, "once");
  assert.deepEqual((await s.bots.history("b", 10)).views.map((v) => v.bot_score), [45]);
  assert.deepEqual((await s.bots.history("d", 10)).views.map((v) => v.bot_score), [75]);
});

contract("writes: an ingest batch stores each event id once, all in one go", async (s) => {
  const row = (visitor: string, name: string): EventRow => ({
    ...Object.fromEntries(EVENT_COLUMNS.map((c) => [c, null])) as EventRow,
    event_type: "custom",
    event_name: name,
    site_id: "shop",
    visitor_id: visitor,
    is_returning: 0,
    source: "ingest",
    bot_score: 0,
    created_at: at(10),
  });
  assert.deepEqual(
    await s.writes.ingestEvents([
      { eventId: "e1", row: row("anna", "signup") },
      { eventId: "e2", row: row("ben", "signup") },
      { eventId: "e1", row: row("anna", "signup") },
    ]),
    { accepted: 2, duplicate: 1 },
    "a repeated id within the batch",
  );
  assert.deepEqual(
    await s.writes.ingestEvents([
      { eventId: "e2", row: row("ben", "signup") },
      { eventId: "e3", row: row("cleo", "buy") },
    ]),
    { accepted: 1, duplicate: 1 },
    "an id stored by an earlier batch",
  );
  const counts = await s.analytics.eventCounts({
    site: "shop",
    type: null,
    bots: "humans",
    since: at(0),
    until: `${DAY}T23:59:59.999Z`,
  });
  assert.deepEqual(counts.map((c) => [c.event_type, c.event_name, c.events, c.visitors]), [
    ["custom", "signup", 2, 2],
    ["custom", "buy", 1, 1],
  ]);
});

// ---------------------------------------------------------------------------------------------
// The collectors' writes (lib/ingest/collector.ts) and the reads of their caches.

const viewRow = (overrides: Partial<ViewRow>): ViewRow => ({
  ...Object.fromEntries(VIEW_COLUMNS.map((column) => [column, null])) as ViewRow,
  visitor_id: "v1",
  site_id: "shop",
  path: "/",
  is_spa: 0,
  is_pwa: 0,
  is_returning: 0,
  bot_score: 0,
  created_at: at(1),
  ...overrides,
});

const eventRow = (overrides: Partial<EventRow>): EventRow => ({
  ...Object.fromEntries(EVENT_COLUMNS.map((column) => [column, null])) as EventRow,
  event_type: "custom",
  event_name: "signup",
  site_id: "shop",
  visitor_id: "v1",
  path: "/",
  bot_score: 0,
  is_returning: 0,
  source: "beacon",
  created_at: at(1),
  ...overrides,
});

contract(
  "writes: the collectors' batches of views and events, each stored whole or not at all",
  async (s) => {
    const period: RawExportQuery = { siteId: "shop", since: at(0), until: at(5), bots: "all" };
    const paths = async (kind: "views" | "events") => {
      const found = await s.exports.raw(kind, period);
      const path = found.columns.indexOf("path");
      return (await found.next())?.map((row) => row[path]) ?? [];
    };
    await s.writes.startBatchWorker({ aggregateRebuildFailed: () => {} });
    await s.writes.insertViews([
      viewRow({ path: "/a" }),
      viewRow({ path: "/b", created_at: at(2) }),
    ]);
    await s.writes.insertEvents([eventRow({ path: "/signup" })]);
    await assert.rejects(
      s.writes.insertViews([viewRow({ path: "/lost" }), viewRow({ site_id: null })]),
      "a row the store cannot take fails its batch",
    );
    await s.writes.stopBatchWorker();
    assert.equal(await s.writes.batchWorkerRunning(), false, "stopped");
    await s.writes.insertViews([viewRow({ path: "/after-stop", created_at: at(3) })]);
    assert.deepEqual(await paths("views"), ["/a", "/b", "/after-stop"], "nothing of the failed");
    assert.deepEqual(await paths("events"), ["/signup"]);
  },
);

contract(
  "writes: drop counts and known-bot hits add up per key, bounded per site and day",
  async (s) => {
    const delta = (siteId: string, a: string, b: string, hits = 1) => ({
      date: DAY,
      siteId,
      a,
      b,
      hits,
    });
    await s.writes.addDropCounts([delta("shop", "dnt", "b.gif", 2), delta("blog", "dnt", "e")]);
    await s.writes.addDropCounts([delta("shop", "dnt", "b.gif", 3)]);
    await s.writes.addBotTraffic([delta("shop", "Googlebot", "/a", 2)], 2);
    await s.writes.addBotTraffic([
      delta("shop", "Googlebot", "/a"),
      delta("shop", "Googlebot", "/b"),
      delta("shop", "Googlebot", "/c", 4), // a third row for the day: counted under "(other)"
    ], 2);
    const report = await s.analytics.botReportRows({ siteId: "shop", sinceDate: DAY });
    assert.deepEqual(report.dropped, [{ reason: "dnt", endpoint: "b.gif", hits: 5 }]);
    assert.deepEqual(report.knownBots.map((bot) => [bot.bot_name, bot.hits]), [["Googlebot", 8]]);
    assert.deepEqual(
      report.knownBots[0].top_paths.map((p) => [p.path, p.hits]).sort(),
      [["(other)", 4], ["/a", 3], ["/b", 1]],
    );
    assert.deepEqual(await s.writes.counterSites("drop_counts", DAY), ["blog", "shop"]);
    assert.deepEqual(await s.writes.counterSites("bot_traffic", DAY), ["shop"]);
    assert.deepEqual(await s.writes.counterSites("bot_traffic", "2026-11-30"), []);
  },
);

contract(
  "sites: registered by their hits within the limits, atomically; ids and collection settings",
  async (s) => {
    const now = Date.parse(at(5));
    assert.deepEqual(await s.sites.registrationState(now, 10), { sites: 0, recent: [] });
    const pending = (siteId: string, hour: number, exempt = false) => ({
      siteId,
      at: Date.parse(at(hour)),
      exempt,
    });
    const refused = await s.sites.registerFromHits(
      [pending("shop", 4), pending("blog", 4), pending("docs", 5, true), pending("shop", 5)],
      { maxSites: 1, perHour: 10 },
      now,
    );
    assert.deepEqual(refused, ["blog"], "past the limit; exempt and known sites are not refused");
    assert.deepEqual(await s.sites.ids(), ["docs", "shop"]);
    assert.deepEqual(await s.sites.registrationState(now, 10), {
      sites: 2,
      recent: [Date.parse(at(5))],
    }, "the hour before now: the registration at its start is out");
    assert.deepEqual(
      await s.sites.registerFromHits([pending("blog", 5)], { maxSites: 10, perHour: 1 }, now),
      ["blog"],
      "one registration by a hit in the hour before now",
    );
    assert.deepEqual(await s.sites.collectSettings(), new Map());
    await s.sites.update("shop", {
      send_form_values: true,
      query_allowlist: ["q", "page"],
      consent_css: ".x{}",
    });
    assert.deepEqual(
      await s.sites.collectSettings(),
      new Map([["shop", {
        sendFormValues: true,
        queryAllowlist: ["q", "page"],
        consentCss: ".x{}",
      }]]),
    );
  },
);

contract(
  "the collectors' caches: excluded visitors, active campaigns, experiments' variants",
  async (s) => {
    await s.bots.exclude("anna", null, at(1));
    await s.bots.exclude("bert", null, at(2));
    assert.deepEqual(await s.bots.excludedIds(10), ["bert", "anna"], "the most recent first");
    assert.deepEqual(await s.bots.excludedIds(1), ["bert"]);

    await s.campaigns.create({ campaign: campaign(), derivedId: false });
    await s.campaigns.create({
      campaign: campaign({ id: "old", utm_campaign: "old", status: "paused" }),
      derivedId: false,
    });
    await s.campaigns.create({
      campaign: campaign({ id: "blog-spring", site_id: "blog" }),
      derivedId: false,
    });
    assert.deepEqual(
      await s.campaigns.activeBySite(),
      new Map([["shop", new Set(["spring"])], ["blog", new Set(["spring"])]]),
    );

    assert.deepEqual(await s.experiments.variantsBySite(), new Map());
    await s.experiments.create(definition(), at(1));
    await s.experiments.create(
      definition({ experiment_id: "empty", site_id: "blog", variants: [] }),
      at(1),
    );
    assert.deepEqual(
      await s.experiments.variantsBySite(),
      new Map([
        ["shop", new Map([["exp", new Set(["control", "green"])]])],
        ["blog", new Map([["empty", new Set()]])],
      ]),
    );
  },
);
