// A database full of things public mode must never show, seeded through the real API of a
// private instance: visitors with 16-hex ids and exact timestamps, an exclusion with the admin's
// label, site settings, the debug switch, an API key, a session, raw event data — next to the
// aggregates a public dashboard does show. Both apps share one SQLite file, so the same rows are
// walked in public mode (tests/public_mode_test.ts) and, as the control, with credentials.
import { AUTH_ENV, loginCookie } from "./_auth.ts";
import { createTestApp, type TestApp } from "./_helpers.ts";
import { addBotTraffic, addDropCounts, insertEvents, insertViews } from "../lib/db/collect.ts";
import { event, view } from "./_stats_fixture.ts";
import { refreshRollups } from "../lib/stats/mod.ts";

export const FIXTURE_SECRET = "public-fixture-secret-0123456789abcdef";
export const BEARER = { authorization: `Bearer ${FIXTURE_SECRET}` };
const SITE = "shop";

/** Visitor ids as the collectors make them: 16 lower-case hex characters. */
export const VISITORS = {
  human: "a1b2c3d4e5f60718",
  returning: "0f1e2d3c4b5a6978",
  suspicious: "c0ffee00deadbeef",
  bot: "b0b0b0b0b0b0b0b0",
  excluded: "e1e2e3e4e5e6e7e8",
} as const;

/** What each kind of secret looks like in a response, by the name a failure reports. */
export interface Secrets {
  /** Strings that may appear in no public response (labels, settings, names, tokens, data). */
  markers: Record<string, string>;
  /** The visitor ids of the stored rows (a prefix of one identifies the visitor too). */
  visitors: string[];
  /** The ids to fill route parameters with (sites, campaigns, experiments, keys, visitors…). */
  ids: string[];
  /** Query values that select one record (campaign `id`, `view_id`, `event_id`…). */
  query: Record<string, string>;
}

export interface SecretFixture {
  dir: string;
  /** The private instance that seeded the file (credentials: `cookie`, BEARER). */
  owner: TestApp & { cookie: string };
  /** The same file served with ECHELON_PUBLIC_MODE=true. */
  open(env?: Record<string, string>): Promise<TestApp>;
  secrets: Secrets;
  close(): Promise<void>;
}

/** Minutes before the frozen test clock (2026-11-20T12:00Z) with distinctive seconds. */
const ago = (minutes: number, seconds: number) =>
  new Date(Date.parse("2026-11-20T12:00:00.000Z") - minutes * 60_000 + seconds * 1000)
    .toISOString();

export async function secretFixture(): Promise<SecretFixture> {
  const dir = await Deno.makeTempDir({ prefix: "echelon-public-" });
  const env = { ...AUTH_ENV, ECHELON_SECRET: FIXTURE_SECRET, ECHELON_DB_PATH: `${dir}/e.db` };
  const base = await createTestApp(env);
  const owner = Object.assign(base, { cookie: await loginCookie(base) });
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await owner.request(path, {
      method,
      headers: { ...BEARER, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json();
    if (res.status >= 300) {
      throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    }
    return json;
  };

  await api("POST", "/api/sites", { site_id: SITE, name: "Shop" });
  await api("PATCH", `/api/sites/${SITE}`, {
    consent_css: ".echelon-consent{font-family:cssmarkerfont}",
    query_allowlist: ["qpmarker"],
    send_form_values: true,
  });
  await api("POST", "/api/debug", { enabled: true });
  const key = await api("POST", "/api/keys", { name: "keynamemarker", scope: "read" });
  const campaign = await api("POST", "/api/campaigns", {
    name: "Spring sale",
    utm_campaign: "spring",
    site_id: SITE,
  });
  await api("POST", "/api/experiments", {
    experiment_id: "checkout",
    name: "Checkout colour",
    site_id: SITE,
    metric: "purchase",
    variants: [
      { variant_id: "control", weight: 50, is_control: true },
      { variant_id: "green", weight: 50 },
    ],
  });
  await api("PATCH", "/api/experiments/checkout", { status: "active" });
  await api("POST", "/api/perf", {
    category: "api",
    metric: "GET /api/health p50",
    value: 1.5,
    unit: "ms",
    branch: "main",
    metadata: { runner: "perfmetamarker" },
  });

  const db = owner.services.db;
  const human = { visitor_id: VISITORS.human, session_id: "sessmarker-1" };
  insertViews(db, [
    view({ ...human, path: "/pricing", created_at: ago(2, 17), utm_campaign: "spring" }),
    view({ ...human, path: "/signup", created_at: ago(1, 29) }),
    view({ visitor_id: VISITORS.returning, session_id: "sessmarker-2", created_at: ago(90, 43) }),
    view({
      visitor_id: VISITORS.suspicious,
      session_id: "sessmarker-3",
      created_at: ago(3, 31),
      bot_score: 35,
      bot_score_detail: '{"signals":{"headless":35}}',
    }),
    view({
      visitor_id: VISITORS.bot,
      session_id: "sessmarker-4",
      created_at: ago(4, 47),
      bot_score: 90,
    }),
    view({ visitor_id: VISITORS.excluded, session_id: "sessmarker-5", created_at: ago(5, 53) }),
    view({ ...human, path: "/", created_at: ago(60 * 26, 19) }),
  ]);
  insertEvents(db, [
    event({
      ...human,
      event_type: "custom",
      event_name: "purchase",
      data: '{"plan":"eventdatamarker"}',
      created_at: ago(1, 37),
    }),
    event({
      ...human,
      event_type: "exposure",
      experiment_id: "checkout",
      variant_id: "green",
      created_at: ago(2, 23),
    }),
  ]);
  const today = "2026-11-20";
  addBotTraffic(db, [{ date: today, siteId: SITE, a: "Googlebot", b: "/pricing", hits: 3 }]);
  addDropCounts(db, [{ date: today, siteId: SITE, a: "rate_limited", b: "b.gif", hits: 2 }]);
  await api("POST", "/api/bots/exclude", {
    visitor_id: VISITORS.excluded,
    label: "labelmarker scraper from the office",
  });
  await refreshRollups(owner.services);

  const ids = (table: string, column: string) =>
    db.all<{ id: number }>(`SELECT ${column} AS id FROM ${table} ORDER BY 1 LIMIT 1`)[0].id;
  const viewId = String(ids("visitor_views", "id"));
  const eventId = String(ids("semantic_events", "id"));
  const sessionToken = owner.cookie.split("=")[1];
  const secrets: Secrets = {
    markers: {
      "exclusion label": "labelmarker",
      "consent CSS setting": "cssmarkerfont",
      "query allow-list setting": "qpmarker",
      "API key name": "keynamemarker",
      "API key prefix": key.api_key.prefix,
      "API key": key.key,
      "session token": sessionToken,
      "session id": "sessmarker",
      "raw event data": "eventdatamarker",
      "perf metadata": "perfmetamarker",
      ...Object.fromEntries(
        db.all<{ at: string }>(
          "SELECT created_at AS at FROM visitor_views UNION SELECT created_at FROM semantic_events",
        ).map(({ at }) => [`the time of one stored row (${at})`, at.slice(11, 19)]),
      ),
    },
    visitors: Object.values(VISITORS),
    ids: [
      SITE,
      String(campaign.campaign.id),
      "checkout",
      String(key.api_key.id),
      ...Object.values(VISITORS),
      viewId,
      "1",
    ],
    query: {
      site_id: SITE,
      days: "30",
      min_score: "0",
      bots: "all",
      id: String(campaign.campaign.id),
      campaign_id: String(campaign.campaign.id),
      experiment_id: "checkout",
      view_id: viewId,
      event_id: eventId,
    },
  };
  const opened: TestApp[] = [];
  return {
    dir,
    owner,
    secrets,
    async open(extra = {}) {
      const app = await createTestApp({
        ...env,
        ECHELON_PUBLIC_MODE: "true",
        // A walk reads every route from one client: more heavy reads than a visitor's minute.
        ECHELON_PUBLIC_READ_RATE: "100000",
        ...extra,
      });
      opened.push(app);
      return app;
    },
    async close() {
      for (const app of [owner, ...opened]) {
        await app.services.reads.close(); // the file database's read processes
        app.services.db.close();
      }
      await Deno.remove(dir, { recursive: true });
    },
  };
}
