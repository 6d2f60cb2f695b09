// Test helpers: an app around a real in-memory SQLite built by the migrations, with a frozen
// clock, and a request helper that sets the connection's remote address.
import { createApp } from "../lib/app.ts";
import { loadConfig } from "../lib/config.ts";
import { createLogger } from "../lib/log.ts";
import type { Database } from "../lib/db/database.ts";
import { createServices, type Services } from "../lib/services.ts";
import type { ReadContext } from "../lib/reads/registry.ts";
import { openStore } from "../lib/store/open.ts";
import { sqliteConnection } from "../lib/store/sqlite/open.ts";
import { sqliteReadContext } from "../lib/store/sqlite/read_context.ts";
import type { OpenedStore } from "../lib/store/types.ts";

/**
 * The app's services and, for the tests alone, the SQLite connection under its store (`db`): the
 * tests seed and check the stored rows from below the interface (the app has no such member).
 */
export type TestServices = Services & { db: Database };

/** `services` with the connection of the SQLite store they were built on (the same object). */
export function withConnection(services: Services, opened: OpenedStore): TestServices {
  return Object.assign(services, { db: sqliteConnection(opened.handle) });
}

export interface TestApp {
  services: TestServices;
  /** The app's fetch handler, for serving it on a real port. */
  fetch: (req: Request, info: { remoteAddr: { hostname: string } }) => Response | Promise<Response>;
  clock: { now: number };
  request(path: string, init?: RequestInit & { ip?: string }): Promise<Response>;
}

export const TEST_ORIGIN = "http://echelon.test";

/**
 * The one ECHELON_SECRET of the test suite: strong enough for the start-up check (64 hex digits,
 * like `openssl rand -hex 32`), and shared so the key derivation runs once per test process.
 */
export const TEST_SECRET = "b9e641d2d37909fcbd3f027944ef2ea6527500e37bf9e8dea28a1b612180586f";

export async function createTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const config = loadConfig({ ECHELON_DB_PATH: ":memory:", ...env }, "test");
  const clock = { now: Date.parse("2026-11-20T12:00:00.000Z") };
  const opened = openStore(config);
  const services = withConnection(
    await createServices(config, opened, {
      log: createLogger({ quiet: true }),
      now: () => clock.now,
    }),
    opened,
  );
  const app = await createApp(services);
  return {
    services,
    fetch: (req, info) => app.fetch(req, info),
    clock,
    request(path, init = {}) {
      const { ip = "203.0.113.7", ...rest } = init;
      const req = new Request(new URL(path, TEST_ORIGIN), rest);
      return Promise.resolve(app.fetch(req, { remoteAddr: { hostname: ip } }));
    },
  };
}

/**
 * What the app's reads run with, inline on the test app's connection (the store's analytics area
 * on SQLite, its clock, its retention, its settled-range cache unless `cache` is false).
 */
export function readContext(t: TestApp, options: { cache?: boolean } = {}): ReadContext {
  const { db, config, statsCache } = t.services;
  return sqliteReadContext(db, {
    now: () => t.clock.now,
    config,
    ...(options.cache === false ? {} : { statsCache }),
  });
}

/** Serves a test app on 127.0.0.1 with an ephemeral port (for browser tests). */
export function serveTestApp(t: TestApp): { baseUrl: string; close: () => Promise<void> } {
  const server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen: () => {} },
    (req, info) =>
      t.fetch(req, { remoteAddr: { hostname: (info.remoteAddr as Deno.NetAddr).hostname } }),
  );
  return {
    baseUrl: `http://127.0.0.1:${(server.addr as Deno.NetAddr).port}`,
    close: () => server.shutdown(),
  };
}

/** Rows per table of the app's database, to assert that a refused request changed nothing. */
export function tableRowCounts(t: TestApp): Record<string, number> {
  const tables = t.services.db.all<{ name: string }>(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
  );
  return Object.fromEntries(
    tables.map(({ name }) => [
      name,
      t.services.db.all<{ n: number }>(`SELECT count(*) AS n FROM "${name}"`)[0].n,
    ]),
  );
}

// deno-lint-ignore no-explicit-any
export type JsonAnswer = { status: number; body: any };

/** A JSON request to the app (the body, if any, as JSON) and its status and parsed answer. */
export async function sendJson(
  t: TestApp,
  method: string,
  path: string,
  body: unknown,
  headers: Record<string, string>,
): Promise<JsonAnswer> {
  const res = await t.request(path, {
    method,
    headers: { ...headers, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

/** `sendJson` with `headers` by default (a suite's credentials). */
export function jsonSender(defaults: Record<string, string>) {
  return (t: TestApp, method: string, path: string, body?: unknown, headers = defaults) =>
    sendJson(t, method, path, body, headers);
}
