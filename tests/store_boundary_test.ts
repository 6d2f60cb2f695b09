// The store boundary's ratchet (issue 16, item 1): outside lib/db/ and lib/store/sqlite/ (the
// SQLite engine) no code may reach lib/db/ or open a transaction, except the files listed below,
// which the next waves move behind the store (lib/store/types.ts) — so the lists only shrink: a
// listed file that no longer needs its entry fails too, naming the entry to delete. tests/ and
// bench/ are not scanned: they read the stored rows to check them, from below the interface.
import assert from "node:assert/strict";
import { dirname, join, normalize, relative } from "node:path";
import type { AdminAccountStore } from "../lib/store/admin_account.ts";
import type { AnalyticsStore } from "../lib/store/analytics.ts";
import type { AdminSessionStore } from "../lib/store/admin_sessions.ts";
import type { ApiKeyStore } from "../lib/store/api_keys.ts";
import type { BotStore } from "../lib/store/bots.ts";
import type { CampaignStore } from "../lib/store/campaigns.ts";
import type { CrawlerStore } from "../lib/store/crawlers.ts";
import type { ExperimentStore } from "../lib/store/experiments.ts";
import type { ExportStore } from "../lib/store/exports.ts";
import type { InstanceStore } from "../lib/store/instance.ts";
import type { PerfStore } from "../lib/store/perf.ts";
import type { RetentionStore } from "../lib/store/retention.ts";
import type { RollupStore } from "../lib/store/rollups.ts";
import type { SegmentStore } from "../lib/store/segments.ts";
import type { SettingsStore } from "../lib/store/settings.ts";
import type { SiteStore } from "../lib/store/sites.ts";
import type { TelemetryStore } from "../lib/store/telemetry.ts";
import type { VisitorStore } from "../lib/store/visitors.ts";
import type { WritesStore } from "../lib/store/writes.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const SCANNED_DIRS = ["lib", "routes", "components", "islands", "scripts", "client", "tracker"];
const SCANNED_FILES = ["main.ts"];
/** The SQLite engine: the only code that may use lib/db/. */
const ENGINE = [/^lib\/db\//, /^lib\/store\/sqlite\//];

/** lib/db/ modules whose areas are behind the store now. */
const BEHIND_STORE = [
  "lib/db/api_keys.ts",
  "lib/db/sessions.ts",
  "lib/db/settings.ts",
  "lib/db/experiments.ts",
  "lib/db/segments.ts",
  "lib/db/telemetry.ts",
  "lib/db/sites.ts",
  "lib/db/campaigns.ts",
  "lib/db/crawlers.ts",
  "lib/db/perf.ts",
  "lib/db/retention.ts",
  "lib/db/export.ts",
];

/** Files that still use a module of BEHIND_STORE directly, and why. */
const BEHIND_STORE_EXCEPTIONS: Record<string, string> = {};

/** Files that still import lib/db/, by the area that has yet to move behind the store. */
const NOT_YET_BEHIND_STORE: Record<string, string[]> = {
  // The store is opened by lib/store/open.ts; these still work on SQLite's file or connection.
  "the CLI's file commands (SQLite files) and the services' SQLite workers": [
    "lib/admin/cli/backup.ts",
    "lib/admin/cli/copy.ts",
    "lib/admin/cli/database_file.ts",
    "lib/admin/cli/rebuild_aggregates.ts",
    "lib/admin/cli/restore.ts",
    "lib/services.ts",
  ],
};

/** Files that still open a transaction or prepare a statement themselves (none now). */
const TRANSACTION_EXCEPTIONS: Record<string, string> = {};

const TRANSACTION_USE = /\btransaction\(|\.statement\(|\.prepare\(/;
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*)["']([^"']+)["']/g;

async function sourceFiles(): Promise<string[]> {
  const files = [...SCANNED_FILES];
  const walk = async (dir: string): Promise<void> => {
    for await (const entry of Deno.readDir(join(ROOT, dir))) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory) await walk(path);
      else if (/\.tsx?$/.test(entry.name)) files.push(path);
    }
  };
  for (const dir of SCANNED_DIRS) {
    try {
      await walk(dir);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }
  return files.filter((file) => !ENGINE.some((engine) => engine.test(file))).sort();
}

/** The repository paths `file` imports (relative specifiers only; packages are not ours). */
function importsOf(file: string, text: string): string[] {
  return [...text.matchAll(SPECIFIER)]
    .map((match) => match[1])
    .filter((specifier) => specifier.startsWith("."))
    .map((specifier) => relative(ROOT, normalize(join(ROOT, dirname(file), specifier))));
}

interface Scan {
  files: string[];
  dbImports: Map<string, string[]>;
  transactions: string[];
}

async function scan(): Promise<Scan> {
  const files = await sourceFiles();
  const dbImports = new Map<string, string[]>();
  const transactions: string[] = [];
  for (const file of files) {
    const text = await Deno.readTextFile(join(ROOT, file));
    const db = importsOf(file, text).filter((path) => path.startsWith("lib/db/"));
    if (db.length > 0) dbImports.set(file, db);
    if (TRANSACTION_USE.test(text)) transactions.push(file);
  }
  return { files, dbImports, transactions };
}

Deno.test("store boundary: no file outside the engine uses an area that is behind the store", async () => {
  const { dbImports } = await scan();
  const offenders = [...dbImports]
    .flatMap(([file, paths]) => paths.map((path) => ({ file, path })))
    .filter(({ file, path }) => BEHIND_STORE.includes(path) && !(file in BEHIND_STORE_EXCEPTIONS))
    .map(({ file, path }) => `${file} imports ${path}: use ctx.state.services.store`);
  assert.deepEqual(offenders, []);
  const stale = Object.keys(BEHIND_STORE_EXCEPTIONS).filter((file) =>
    !(dbImports.get(file) ?? []).some((path) => BEHIND_STORE.includes(path))
  );
  assert.deepEqual(stale, [], "these no longer need their BEHIND_STORE_EXCEPTIONS entry");
});

Deno.test("store boundary: only the listed files still import lib/db/, and the list shrinks", async () => {
  const { files, dbImports } = await scan();
  assert.ok(files.length > 200, `${files.length} files scanned`);
  const listed = new Set(Object.values(NOT_YET_BEHIND_STORE).flat());
  const unlisted = [...dbImports.keys()].filter((file) => !listed.has(file));
  assert.deepEqual(
    unlisted,
    [],
    "new code reaches persistence through the store (lib/store/types.ts), not lib/db/",
  );
  const stale = [...listed].filter((file) => !dbImports.has(file));
  assert.deepEqual(stale, [], "these no longer import lib/db/: delete them from the list");
  console.log(`${listed.size} files still import lib/db/ directly`);
});

Deno.test("store boundary: no transaction or statement outside the engine but the listed", async () => {
  const { transactions } = await scan();
  const listed = Object.keys(TRANSACTION_EXCEPTIONS);
  assert.deepEqual(transactions.filter((file) => !listed.includes(file)), []);
  assert.deepEqual(listed.filter((file) => !transactions.includes(file)), [], "stale entries");
});

/** The one file of lib/store/ that names the engines: the factory that chooses one. */
const ENGINE_CHOICE = "lib/store/open.ts";

Deno.test("store boundary: the interface names no engine, driver or SQL", async () => {
  const dir = join(ROOT, "lib/store");
  const interfaceFiles: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isFile && entry.name.endsWith(".ts")) interfaceFiles.push(`lib/store/${entry.name}`);
  }
  assert.ok(interfaceFiles.includes(ENGINE_CHOICE));
  const choice = await Deno.readTextFile(join(ROOT, ENGINE_CHOICE));
  assert.deepEqual(
    importsOf(ENGINE_CHOICE, choice).filter((path) => path.startsWith("lib/db/")),
    [],
    "the factory opens an engine through its own opening (lib/store/sqlite/open.ts)",
  );
  interfaceFiles.splice(interfaceFiles.indexOf(ENGINE_CHOICE), 1);
  assert.ok(interfaceFiles.includes("lib/store/types.ts"));
  for (const file of interfaceFiles) {
    const text = await Deno.readTextFile(join(ROOT, file));
    const imports = importsOf(file, text);
    assert.deepEqual(
      imports.filter((path) => path.startsWith("lib/db/") || path.startsWith("lib/store/sqlite/")),
      [],
      `${file} imports an engine`,
    );
    assert.doesNotMatch(text, /node:sqlite|\bDatabase\b|\bStatement|\bSqlParam\b/, file);
  }
});

/** The names of T's methods that do not return a promise (never when T is async throughout). */
type SyncMethods<T> = {
  [K in keyof T]: T[K] extends (...args: never[]) => Promise<unknown> ? never : K;
}[keyof T];
type SyncMethodsOf<Area> = Area extends unknown ? SyncMethods<Area> : never;
/** Every area of the store (the analytics area too, which runs where the reads run). */
type Areas = [
  ApiKeyStore,
  AdminSessionStore,
  AdminAccountStore,
  SettingsStore,
  ExperimentStore,
  SegmentStore,
  TelemetryStore,
  SiteStore,
  CampaignStore,
  BotStore,
  CrawlerStore,
  PerfStore,
  RetentionStore,
  ExportStore,
  VisitorStore,
  InstanceStore,
  AnalyticsStore,
  RollupStore,
  WritesStore,
];
// Compile-time: a synchronous method makes this type its name, and the assignment of `true` fail
// `deno check` naming it (the test run type-checks this file).
type Sync = SyncMethodsOf<Areas[number]>;
const everyAreaIsAsync: [Sync] extends [never] ? true : Sync = true;

Deno.test("store boundary: every method of every area is async", () => {
  assert.equal(everyAreaIsAsync, true);
});
