// The store's contract (lib/store/types.ts), area by area, run against every engine in ENGINES: what
// each method answers and what it leaves stored, read back through the interface. A new engine
// (PostgreSQL, ClickHouse) is added to ENGINES and must pass the same cases unchanged.
import assert from "node:assert/strict";
import { openDatabase } from "../lib/db/mod.ts";
import { createSqliteAppData } from "../lib/store/sqlite/mod.ts";
import type { AdminSessionRecord } from "../lib/store/admin_sessions.ts";
import type { ExperimentDefinitionRecord } from "../lib/store/experiments.ts";
import type { AppDataStore } from "../lib/store/types.ts";

interface Engine {
  name: string;
  open(): { store: AppDataStore; close(): void };
}

const ENGINES: Engine[] = [{
  name: "sqlite",
  open() {
    const db = openDatabase(":memory:");
    return { store: createSqliteAppData(db), close: () => db.close() };
  },
}];

function contract(name: string, fn: (store: AppDataStore) => Promise<void>): void {
  for (const engine of ENGINES) {
    Deno.test(`store contract (${engine.name}): ${name}`, async () => {
      const { store, close } = engine.open();
      try {
        await fn(store);
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
