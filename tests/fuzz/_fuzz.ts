// The request fuzzer: a seeded PRNG (mulberry32) drives random and mutated requests against every
// route the router knows (tests/fuzz/_routes.ts), anonymous and authenticated, then checks the
// invariants of docs/architecture.md, "Reliability and security": no 5xx, no unhandled rejection,
// every stored string within its bound, no row breaking the schema's rules, RSS growth bounded.
// Reproduce a run with the same FUZZ_SEED (and FUZZ_COUNT): the sequence depends on nothing else.
import { AUTH_ENV, loginCookie } from "../_auth.ts";
import { b64, beaconUrl, BROWSER_HEADERS, flush, SESSION } from "../_collect.ts";
import { createTestApp, TEST_ORIGIN, TEST_SECRET, type TestApp } from "../_helpers.ts";
import { METHODS } from "../../lib/fresh/types.ts";
import { MAX_PATH } from "../../lib/ingest/page_path.ts";
import { MAX_REFERRER_LENGTH } from "../../lib/ingest/referrer.ts";
import { MAX_EVENT_DATA } from "../../lib/ingest/event_pipeline.ts";
import { MAX_UA_LENGTH } from "../../lib/ingest/user_agent.ts";
import { listRoutes, pathOf, type RouteInfo } from "./_routes.ts";

export const DEFAULT_SEED = 0x5eed_ec01;
export const FUZZ_SECRET = TEST_SECRET;

export interface FuzzOptions {
  seed: number;
  /** Stop after this many requests… */
  count: number;
  /** …or after this many milliseconds, whichever comes first. */
  ms: number;
  /** Allowed RSS growth over the run, in bytes. */
  maxRssGrowth?: number;
  onProgress?: (done: number) => void;
}

export interface FuzzSummary {
  seed: number;
  requests: number;
  elapsedMs: number;
  statuses: Record<number, number>;
  rssGrowthBytes: number;
  rowsChecked: number;
  failures: string[];
}

/** mulberry32: tiny, fast, and the same sequence everywhere for one seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Upper bounds on stored strings (characters), from the collectors' own limits. */
const COLUMN_BOUNDS: Record<string, number> = {
  path: MAX_PATH,
  referrer: MAX_REFERRER_LENGTH,
  referrer_domain: MAX_REFERRER_LENGTH,
  user_agent: MAX_UA_LENGTH,
  data: MAX_EVENT_DATA,
};
/** Any other stored string: nothing the collectors or forms accept is longer than this. */
const DEFAULT_STRING_BOUND = 64 * 1024;

class Gen {
  constructor(readonly rand: () => number) {}
  int(n: number): number {
    return Math.floor(this.rand() * n);
  }
  chance(p: number): boolean {
    return this.rand() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
  string(max = 40): string {
    const n = this.int(max + 1);
    let out = "";
    for (let i = 0; i < n; i++) out += this.char();
    return out;
  }
  char(): string {
    switch (this.int(6)) {
      case 0:
        return String.fromCharCode(0x20 + this.int(95));
      case 1:
        return String.fromCharCode(this.int(32));
      case 2:
        return this.pick(["é", "漢", "😀", "\u202e", "\u0000", "\ufeff", "\ud800", "𝔘"]);
      case 3:
        return this.pick([
          "%",
          "%zz",
          "%E0%A4%A",
          "%00",
          "%ff",
          "&",
          "=",
          "+",
          "#",
          "?",
          "/",
          "..",
        ]);
      case 4:
        return this.pick(["<script>", "'", '"', "\\", "`", "${", "__proto__", "constructor"]);
      default:
        return String.fromCharCode(0x61 + this.int(26));
    }
  }
  huge(): string {
    return this.pick(["a", "é", "%", "x=1&", "😀"]).repeat(this.pick([3000, 10_000, 70_000]));
  }
  value(): string {
    switch (this.int(10)) {
      case 0:
        return this.huge();
      case 1:
        return this.pick(["", "0", "-1", "1e309", "NaN", "Infinity", "9007199254740993", "null"]);
      case 2:
        return b64(this.string(60));
      case 3:
        return this.string(8) + "=".repeat(this.int(3)); // base64 garbage
      case 4:
        return this.pick(["shop", "blog", "default", "nope", "../../etc", "A".repeat(200)]);
      case 5:
        return b64(this.pick(["/", "/pricing", "https://x.example/?a=1", "javascript:1"]));
      default:
        return this.string();
    }
  }
  json(depth = 0): unknown {
    switch (this.int(depth > 3 ? 6 : 9)) {
      case 0:
        return this.pick([null, true, false, 0, -0, 1e308, -1, 3.5, 2 ** 53 + 1]);
      case 1:
        return this.string(30);
      case 2:
        return this.chance(0.1) ? this.huge() : this.value();
      case 3:
        return this.int(1000);
      case 4:
        return this.pick(["NaN", "Infinity", "-Infinity", "1e999", "", " "]);
      case 5:
        return this.pick(["shop", "pageview", "click", "custom", "web_vital", "form_submit"]);
      case 6: {
        const n = this.int(6);
        return Array.from({ length: n }, () => this.json(depth + 1));
      }
      default: {
        const out: Record<string, unknown> = {};
        const keys = [
          "site_id",
          "siteId",
          "s",
          "type",
          "event_type",
          "name",
          "path",
          "url",
          "p",
          "ref",
          "referrer",
          "data",
          "events",
          "value",
          "metric",
          "category",
          "id",
          "ts",
          "timestamp",
          "__proto__",
          "constructor",
          "prototype",
          "jsonrpc",
          "method",
          "params",
          "weight",
          "variants",
          "status",
          "metrics",
          "utm_source",
          "utm_campaign",
          "session_id",
          "sid",
          "visitor_id",
          "duration",
          "sw",
          "sh",
          "screen",
          "tool",
          "arguments",
          "scope",
        ];
        const n = 1 + this.int(8);
        for (let i = 0; i < n; i++) {
          const key = this.chance(0.85) ? this.pick(keys) : this.string(12);
          Object.defineProperty(out, key, {
            value: this.json(depth + 1),
            enumerable: true,
            configurable: true,
            writable: true,
          });
        }
        return out;
      }
    }
  }
  deep(): string {
    const n = this.pick([100, 1000, 5000]);
    return this.chance(0.5)
      ? "[".repeat(n) + "]".repeat(n)
      : '{"a":'.repeat(n) + "1" + "}".repeat(n);
  }
}

interface Auth {
  bearer: string;
  cookie: string;
  siteIds: string[];
  numericIds: string[];
}

/** A fuzz target: an app with credentials, a bearer secret and a few fixtures to aim at. */
export async function createFuzzApp(): Promise<{ app: TestApp; auth: Auth }> {
  const app = await createTestApp({ ...AUTH_ENV, ECHELON_SECRET: FUZZ_SECRET });
  const cookie = await loginCookie(app);
  const bearer = `Bearer ${FUZZ_SECRET}`;
  const json = (path: string, body: unknown) =>
    app.request(path, {
      method: "POST",
      headers: { authorization: bearer, "content-type": "application/json" },
      body: JSON.stringify(body),
    }).then((r) => r.body?.cancel());
  await json("/api/sites", { site_id: "shop", name: "Shop" });
  await json("/api/campaigns", { id: "spring", name: "Spring", utm_campaign: "spring" });
  await json("/api/experiments", {
    experiment_id: "exp1",
    name: "Exp",
    metric_event_name: "signup",
    variants: [{ variant_id: "a", weight: 50 }, { variant_id: "b", weight: 50 }],
  });
  return {
    app,
    auth: { bearer, cookie, siteIds: ["shop", "default"], numericIds: ["1", "2"] },
  };
}

function buildRequest(
  g: Gen,
  routes: RouteInfo[],
  auth: Auth,
): { path: string; init: RequestInit } {
  if (g.chance(0.15)) return mutatedHit(g);
  const route = g.pick(routes);
  let path = pathOf(
    route,
    (name) =>
      g.chance(0.5)
        ? g.pick([...auth.siteIds, ...auth.numericIds, "spring", "exp1", "1"])
        : name === "rest"
        ? g.string(20)
        : g.value().slice(0, 300),
  );
  if (g.chance(0.05)) path += "/";
  if (g.chance(0.03)) path = path.replace(/\//g, "//");
  const method = g.chance(0.7) && route.methods.length ? g.pick(route.methods) : g.pick(METHODS);

  const params: string[] = [];
  const n = g.int(10);
  const keys = [
    "p",
    "ref",
    "s",
    "sid",
    "site_id",
    "site",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_content",
    "utm_term",
    "_v",
    "sw",
    "sh",
    "days",
    "from",
    "to",
    "period",
    "limit",
    "cursor",
    "id",
    "tok",
    "type",
    "format",
    "q",
    "next",
    "metric",
    "range",
    "_e",
    "d",
    "t",
  ];
  for (let i = 0; i < n; i++) {
    const key = g.chance(0.85) ? g.pick(keys) : g.string(10);
    const value = g.value();
    params.push(
      g.chance(0.9)
        ? `${encodeURIComponent(key.toWellFormed())}=${safeEncode(g, value)}`
        : safeEncode(g, key),
    );
    if (g.chance(0.1)) params.push(params[params.length - 1]); // repeated keys
  }
  if (g.chance(0.05)) params.push(g.pick(["%", "%zz", "%E0%A4%A", "a=%ff%fe", "&&&=&"]));
  if (params.length) path += "?" + params.join("&");

  const headers = new LenientHeaders();
  if (g.chance(0.7)) {
    for (const [k, v] of Object.entries(BROWSER_HEADERS)) if (g.chance(0.7)) headers.set(k, v);
  }
  const authKind = g.int(10);
  if (authKind < 3) headers.set("authorization", auth.bearer);
  else if (authKind < 6) headers.set("cookie", auth.cookie);
  else if (authKind === 6) {
    headers.set(
      "authorization",
      g.pick(["Bearer ", "Bearer ek_r_" + g.string(30), "Basic Zm9vOmJhcg==", g.string(20)]),
    );
  } else if (authKind === 7) {
    headers.set("cookie", g.pick(["echelon_session=" + g.string(40), "=;;;", g.string(60)]));
  }
  const originKind = g.int(5);
  if (originKind < 2) headers.set("origin", TEST_ORIGIN);
  else if (originKind === 2) {
    headers.set(
      "origin",
      g.pick([
        "null",
        "https://evil.example",
        "\u00e9"
          .replace(/[^\x20-\x7e]/g, "x"),
        g.string(30).replace(/[^\x21-\x7e]/g, ""),
      ]),
    );
  }
  if (g.chance(0.3)) {
    headers.set(
      "referer",
      g.pick(["https://customer.example/a?b=c", "not a url", TEST_ORIGIN + "/"]),
    );
  }
  if (g.chance(0.2)) {
    headers.set("user-agent", g.pick(["", "curl/8.0", "Googlebot/2.1", "x".repeat(5000)]));
  }
  for (
    const name of [
      "x-forwarded-for",
      "cf-connecting-ip",
      "cf-ipcountry",
      "accept",
      "dnt",
      "sec-gpc",
    ]
  ) {
    if (g.chance(0.05)) headers.set(name, ascii(g.value().slice(0, 200)));
  }
  if (g.chance(0.05)) headers.set("accept-encoding", g.pick(["gzip", "br", "*", "identity;q=0"]));

  const init: RequestInit = { method, headers };
  if (method !== "GET" && method !== "HEAD" && g.chance(0.85)) {
    const ct = g.int(9);
    headers.set(
      "content-type",
      [
        "application/json",
        "application/json; charset=utf-8",
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/octet-stream",
        "",
        "application/json; charset=latin1",
        g.string(20)
          .replace(/[^\x20-\x7e]/g, ""),
      ][ct],
    );
    init.body = body(g);
    if (g.chance(0.1)) headers.set("content-length", g.pick(["0", "1", "999999999", "-1", "abc"]));
    if (g.chance(0.05)) headers.set("content-encoding", g.pick(["gzip", "deflate", "br"]));
  }
  return { path, init };
}

/** A valid beacon or event with one to three fields mutated, so rows really get stored. */
function mutatedHit(g: Gen): { path: string; init: RequestInit } {
  const fields = [
    "p",
    "ref",
    "s",
    "sid",
    "_v",
    "sw",
    "sh",
    "utm_source",
    "utm_campaign",
    "utm_term",
  ];
  const overrides: Record<string, string> = { s: "shop" };
  for (let i = 1 + g.int(3); i > 0; i--) overrides[g.pick(fields)] = g.value().toWellFormed();
  const headers = { ...BROWSER_HEADERS, "content-type": "text/plain" };
  if (g.chance(0.6)) return { path: beaconUrl(overrides), init: { method: "GET", headers } };
  const event = {
    type: g.pick(["click", "custom", "scroll", "form_submit", "web_vital", "exposure"]),
    name: g.chance(0.5) ? "signup" : g.value(),
    data: g.chance(0.5) ? g.json() : g.value(),
    path: g.chance(0.7) ? "/pricing" : g.value(),
  };
  const payload = { s: "shop", sid: SESSION, events: [event, g.json()].slice(0, 1 + g.int(2)) };
  return { path: "/e", init: { method: "POST", headers, body: JSON.stringify(payload) } };
}

function body(g: Gen): BodyInit {
  switch (g.int(8)) {
    case 0:
      return g.deep();
    case 1:
      return g.string(200);
    case 2:
      return new URLSearchParams(
        Array.from(
          { length: g.int(6) },
          () => [
            g.pick([
              "name",
              "site_id",
              "username",
              "password",
              "weight",
              "status",
              "_csrf",
              "css",
              "allowlist",
            ]),
            g.value().slice(0, 5000),
          ],
        ),
      ).toString();
    case 3: {
      const bytes = new Uint8Array(g.int(2000));
      for (let i = 0; i < bytes.length; i++) bytes[i] = g.int(256);
      return bytes;
    }
    case 4:
      return JSON.stringify(g.json()).slice(0, g.chance(0.2) ? g.int(50) : undefined);
    default:
      return JSON.stringify(g.json());
  }
}

/** Percent-encodes mostly, but sometimes leaves raw or broken escapes in the query. */
function safeEncode(g: Gen, value: string): string {
  const wellFormed = value.toWellFormed();
  if (g.chance(0.85)) return encodeURIComponent(wellFormed);
  return wellFormed.replace(/[^\x21-\x7e]/gu, (c) => encodeURIComponent(c)).replace(/[#&]/g, "");
}

/** Headers that drop what no HTTP/1.1 header can carry (NUL, CR, LF, chars above U+00FF). */
class LenientHeaders extends Headers {
  override set(name: string, value: string): void {
    // deno-lint-ignore no-control-regex -- the point is to strip control characters
    super.set(name, value.replace(/[\0\r\n]|[^\x00-\xff]/g, ""));
  }
}

function clip(value: unknown): string {
  const text = String(value);
  return text.length > 300 ? text.slice(0, 300) + "…" : text;
}

function ascii(value: string): string {
  return value.replace(/[^\x20-\x7e]/g, "");
}

/** RSS after a full GC when the runtime exposes one (--v8-flags=--expose-gc), else as is. */
function settledRss(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return Deno.memoryUsage().rss;
}

/** Runs the fuzzer; returns a summary with every invariant failure (empty when all held). */
export async function runFuzz(options: FuzzOptions): Promise<FuzzSummary> {
  const failures: string[] = [];
  const onRejection = (e: PromiseRejectionEvent) => {
    e.preventDefault();
    failures.push(`unhandled rejection: ${String(e.reason?.stack ?? e.reason)}`);
  };
  const onError = (e: ErrorEvent) => {
    e.preventDefault();
    failures.push(`uncaught error: ${String(e.error?.stack ?? e.message)}`);
  };
  globalThis.addEventListener("unhandledrejection", onRejection);
  globalThis.addEventListener("error", onError);
  const g = new Gen(prng(options.seed));
  const routes = await listRoutes();
  const { app, auth } = await createFuzzApp();
  const statuses: Record<number, number> = {};
  const started = performance.now();
  const rssBefore = settledRss();
  let requests = 0;
  try {
    while (requests < options.count && performance.now() - started < options.ms) {
      const { path, init } = buildRequest(g, routes, auth);
      const ip = g.chance(0.9) ? "203.0.113." + g.int(255) : g.pick(["::1", "2001:db8::1", ""]);
      requests++;
      let status: number;
      try {
        const res = await app.request(TEST_ORIGIN + path, { ...init, ip });
        status = res.status;
        await res.body?.cancel();
      } catch (error) {
        failures.push(`#${requests} ${init.method} ${path.slice(0, 200)} threw: ${clip(error)}`);
        continue;
      }
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status >= 500) {
        failures.push(`#${requests} ${init.method} ${path.slice(0, 200)} → ${status}`);
      }
      if (requests % 250 === 0) {
        options.onProgress?.(requests);
        await flush(app);
        await new Promise((r) => setTimeout(r, 0));
      }
    }
    await flush(app);
    await new Promise((r) => setTimeout(r, 10));
  } finally {
    globalThis.removeEventListener("unhandledrejection", onRejection);
    globalThis.removeEventListener("error", onError);
  }
  const rssGrowthBytes = settledRss() - rssBefore;
  if (rssGrowthBytes > (options.maxRssGrowth ?? 384 * 1024 * 1024)) {
    failures.push(`RSS grew by ${(rssGrowthBytes / 1048576).toFixed(0)} MB`);
  }
  const rowsChecked = checkStore(app, failures);
  await app.services.collect.stop(Date.now() + 1000);
  return {
    seed: options.seed,
    requests,
    elapsedMs: Math.round(performance.now() - started),
    statuses,
    rssGrowthBytes,
    rowsChecked,
    failures,
  };
}

/**
 * Every stored row: strings within their bound; the schema's rules hold (integrity_check also
 * re-verifies NOT NULL and CHECK constraints of every row, https://sqlite.org/pragma.html
 * #pragma_integrity_check); no dangling foreign key.
 */
export function checkStore(app: TestApp, failures: string[]): number {
  const db = app.services.db;
  const integrity = db.all<{ integrity_check: string }>("PRAGMA integrity_check");
  if (integrity.length !== 1 || integrity[0].integrity_check !== "ok") {
    failures.push(`integrity_check: ${JSON.stringify(integrity).slice(0, 500)}`);
  }
  const fk = db.all("PRAGMA foreign_key_check");
  if (fk.length) failures.push(`foreign_key_check: ${JSON.stringify(fk).slice(0, 500)}`);
  const tables = db.all<{ name: string }>(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
  );
  let rows = 0;
  for (const { name } of tables) {
    const columns = db.all<{ name: string; type: string }>(`PRAGMA table_info("${name}")`);
    for (const column of columns) {
      if (!/TEXT|^$/i.test(column.type)) continue;
      const bound = COLUMN_BOUNDS[column.name] ?? DEFAULT_STRING_BOUND;
      const over = db.all<{ n: number; max: number }>(
        `SELECT count(*) AS n, max(length("${column.name}")) AS max FROM "${name}"
         WHERE length("${column.name}") > ?`,
        bound,
      );
      if (over[0].n > 0) {
        failures.push(
          `${name}.${column.name}: ${over[0].n} rows over ${bound} (max ${over[0].max})`,
        );
      }
    }
    rows += db.all<{ n: number }>(`SELECT count(*) AS n FROM "${name}"`)[0].n;
  }
  return rows;
}
