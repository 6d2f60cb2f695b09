// The store boundary (issue 16, item 1): outside lib/db/ and lib/store/sqlite/ (the SQLite
// engine) no code reaches lib/db/ or opens a transaction; persistence goes through the store
// (lib/store/types.ts), and the engine is entered only where it is chosen (lib/store/open.ts) or
// runs its own process (the read processes' entry). tests/ and bench/ are not scanned: they read
// the stored rows to check them, from below the interface.
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
import type { MaintenanceStore, StoreCopies } from "../lib/store/maintenance.ts";
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

/** Files outside the engine that enter it, and why (none may import lib/db/). */
const ENGINE_ENTRIES: Record<string, string> = {
  "lib/store/open.ts": "chooses the engine from the configuration",
  "lib/reads/child_main.ts": "a read process: the engine's own reads on its own connection",
};

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
  /** The repository paths each file imports. */
  imports: Map<string, string[]>;
  transactions: string[];
}

async function scan(): Promise<Scan> {
  const files = await sourceFiles();
  const imports = new Map<string, string[]>();
  const transactions: string[] = [];
  for (const file of files) {
    const text = await Deno.readTextFile(join(ROOT, file));
    imports.set(file, importsOf(file, text));
    if (TRANSACTION_USE.test(text)) transactions.push(file);
  }
  return { files, imports, transactions };
}

Deno.test("store boundary: no file outside the engine imports lib/db/", async () => {
  const { files, imports } = await scan();
  assert.ok(files.length > 200, `${files.length} files scanned`);
  const offenders = [...imports]
    .flatMap(([file, paths]) => paths.map((path) => ({ file, path })))
    .filter(({ path }) => path.startsWith("lib/db/"))
    .map(({ file, path }) =>
      `${file} imports ${path}: persistence goes through the store (lib/store/types.ts, ` +
      "ctx.state.services.store); only the engine (lib/db/, lib/store/sqlite/) uses lib/db/"
    );
  assert.deepEqual(offenders, []);
});

Deno.test("store boundary: the engine is entered only where it is chosen or runs alone", async () => {
  const { imports } = await scan();
  const entering = [...imports]
    .filter(([, paths]) => paths.some((path) => path.startsWith("lib/store/sqlite/")))
    .map(([file]) => file);
  const unlisted = entering.filter((file) => !(file in ENGINE_ENTRIES))
    .map((file) => `${file} imports lib/store/sqlite/: open the store through lib/store/open.ts`);
  assert.deepEqual(unlisted, []);
  const stale = Object.keys(ENGINE_ENTRIES).filter((file) => !entering.includes(file));
  assert.deepEqual(
    stale,
    [],
    "these no longer enter the engine: delete their ENGINE_ENTRIES entry",
  );
});

Deno.test("store boundary: no transaction or statement outside the engine", async () => {
  const { transactions } = await scan();
  assert.deepEqual(
    transactions.map((file) => `${file} opens a transaction or prepares a statement`),
    [],
  );
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
/** Every area of the store (the analytics area too, which runs where the reads run), and its whole
 * copies' operations. */
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
  MaintenanceStore,
  WritesStore,
  Omit<StoreCopies, "location" | "knownSchemaVersion">,
];
// Compile-time: a synchronous method makes this type its name, and the assignment of `true` fail
// `deno check` naming it (the test run type-checks this file).
type Sync = SyncMethodsOf<Areas[number]>;
const everyAreaIsAsync: [Sync] extends [never] ? true : Sync = true;

Deno.test("store boundary: every method of every area is async", () => {
  assert.equal(everyAreaIsAsync, true);
});
