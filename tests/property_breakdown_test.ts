// The events page's property breakdown (routes/admin/events.tsx, lib/admin/property_breakdown.ts):
// GET /admin/events with an event name lists that event's stored property keys; with a key, each
// value with its events, visitors and share, checked against the stored events; the bots choice
// is the engine's; a bad key is a clear error; public mode and "all sites" show no breakdown.
import assert from "node:assert/strict";
import { insertEvents } from "../lib/db/collect.ts";
import type { EventRow } from "../lib/db/columns.ts";
import { adminApp, adminHtml, type AdminTestApp, registerSite } from "./_admin.ts";
import { D0, D1, D2, event, SITE } from "./_stats_fixture.ts";

const decode = (s: string) =>
  s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");

const purchase = (visitor: string, time: string, data: unknown, extra: Partial<EventRow> = {}) =>
  event({
    event_type: "custom",
    event_name: "purchase",
    visitor_id: visitor,
    session_id: `s-${visitor}`,
    data: typeof data === "string" ? data : JSON.stringify(data),
    created_at: time,
    ...extra,
  });

async function app(env: Record<string, string> = {}): Promise<AdminTestApp> {
  const t = await adminApp(env);
  registerSite(t, SITE, "The Shop");
  insertEvents(t.services.db, [
    // a buys pro twice on D1 and once on D2 (ids rotate daily: a visitor on each day).
    purchase("a", `${D1}T10:00:00.000Z`, { plan: "pro", seats: 3 }),
    purchase("a", `${D1}T11:00:00.000Z`, { plan: "pro" }),
    purchase("a", `${D2}T09:00:00.000Z`, { plan: "pro" }),
    purchase("b", `${D1}T12:00:00.000Z`, { plan: "pro" }),
    purchase("c", `${D2}T08:00:00.000Z`, { plan: "free", coupon: "X" }),
    purchase("d", `${D2}T08:30:00.000Z`, { coupon: "Y" }), // no plan: "(none)"
    purchase("e", `${D2}T08:40:00.000Z`, "not json"),
    purchase("bot", `${D2}T10:00:00.000Z`, { plan: "pro" }, { bot_score: 90 }),
    purchase("old", `${D0}T10:00:00.000Z`, { plan: "legacy" }), // before the period
    event({
      event_type: "custom",
      event_name: "signup",
      visitor_id: "a",
      data: '{"source":"ad"}',
      created_at: `${D1}T10:30:00.000Z`,
    }),
    event({
      event_type: "outbound",
      visitor_id: "b",
      data: '{"url":"https://x.example/"}',
      created_at: `${D2}T11:00:00.000Z`,
    }),
  ]);
  return t;
}

/** The rows of the breakdown table: value, events, visitors, share. */
function values(html: string): string[][] {
  const table = html.match(/<table id="property-values"[\s\S]*?<\/table>/)?.[0] ?? "";
  return table.split("<tr data-value=").slice(1).map((row) =>
    [...row.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((m) =>
      decode(m[1].replace(/<[^>]+>/g, "").trim())
    )
  );
}

/** Brute force over the stored events: per value of `key` on kept purchase events in the period,
 * events and the sum over UTC days of distinct visitors. */
function expected(t: AdminTestApp, key: string, kept: (score: number) => boolean) {
  const rows = t.services.db.all<{ data: string; visitor_id: string; created_at: string }>(
    `SELECT data, visitor_id, created_at, bot_score FROM semantic_events
     WHERE site_id = ? AND event_type = 'custom' AND event_name = 'purchase'`,
    SITE,
  ).filter((r) =>
    kept(Number((r as unknown as { bot_score: number }).bot_score)) &&
    r.created_at >= D1 && r.created_at < "2026-11-21"
  );
  const groups = new Map<string, { events: number; visitors: Set<string> }>();
  for (const r of rows) {
    let value = "(none)";
    try {
      const v = JSON.parse(r.data)?.[key];
      if (v !== undefined && v !== null) value = String(v);
    } catch { /* not JSON: no value */ }
    const g = groups.get(value) ?? { events: 0, visitors: new Set<string>() };
    g.events++;
    g.visitors.add(`${r.created_at.slice(0, 10)}|${r.visitor_id}`);
    groups.set(value, g);
  }
  return [...groups].map(([value, g]) => [
    value,
    String(g.events),
    String(g.visitors.size),
    `${(Math.round((g.events * 1000) / rows.length) / 10).toFixed(1)}%`,
  ]).sort((x, y) => Number(y[1]) - Number(x[1]) || x[0].localeCompare(y[0]));
}

const PAGE = `/admin/events?site=${SITE}&from=${D1}&to=${D2}`;

Deno.test("property breakdown: an event's keys, then a key's values against the stored events", async () => {
  const t = await app();
  const chosen = await adminHtml(t, `${PAGE}&prop_event=purchase`);
  assert.equal(chosen.status, 200);
  // The keys of the period's purchase events, most used first, each a link to its breakdown.
  assert.deepEqual(
    [...chosen.html.matchAll(/data-property-key="([^"]+)"/g)].map((m) => m[1]),
    ["plan", "coupon", "seats"],
  );
  assert.match(
    decode(chosen.html),
    /href="\/admin\/events\?site=shop&from=2026-11-19&to=2026-11-20&prop_event=purchase&prop_key=plan"/,
  );
  assert.match(chosen.html, /<option value="purchase" selected>purchase<\/option>/);
  assert.match(chosen.html, /<option value="signup">signup<\/option>/);
  assert.doesNotMatch(chosen.html, /id="property-values"/);

  const { status, html } = await adminHtml(t, `${PAGE}&prop_event=purchase&prop_key=plan`);
  assert.equal(status, 200);
  const got = values(html);
  assert.deepEqual(got, expected(t, "plan", () => true));
  // By hand: pro 5 events (a ×3, b, the bot) from a on D1 and D2, b, the bot = 4 visitors.
  assert.deepEqual(got[0], ["pro", "5", "4", "62.5%"]);
  assert.deepEqual(got.map((r) => r[0]).sort(), ["(none)", "free", "pro"]);

  // Bots hidden: the engine's own bot setting.
  const humans = await adminHtml(t, `${PAGE}&prop_event=purchase&prop_key=plan&bots=humans`);
  assert.deepEqual(values(humans.html), expected(t, "plan", (s) => s < 50));
  assert.deepEqual(values(humans.html)[0], ["pro", "4", "3", "57.1%"]);
  // The list's own filter is kept in the breakdown form.
  assert.match(humans.html, /<form[^>]*id="property-form"[\s\S]*?name="bots" value="humans"/);
});

Deno.test("property breakdown: bad input is a clear error; public mode and all sites show none", async () => {
  const t = await app();
  const bad = await adminHtml(
    t,
    `${PAGE}&prop_event=purchase&prop_key=${encodeURIComponent("pl an'")}`,
  );
  assert.equal(bad.status, 200);
  assert.match(decode(bad.html), /"pl an'" is not a property key \(1-64 of A-Z a-z 0-9 _ \. -\)/);
  assert.doesNotMatch(bad.html, /id="property-values"/);
  const none = await adminHtml(t, `${PAGE}&prop_event=nothing&prop_key=plan`);
  assert.match(none.html, /No stored nothing event has properties in this period\./);
  assert.match(none.html, /No nothing events in this period\./);
  const all = await adminHtml(t, `/admin/events?from=${D1}&to=${D2}&prop_event=purchase`);
  assert.equal(all.status, 200);
  assert.doesNotMatch(all.html, /id="property-breakdown"/);

  const pub = await app({ ECHELON_PUBLIC_MODE: "true" });
  const publicPage = await adminHtml(pub, `${PAGE}&prop_event=purchase&prop_key=plan`);
  assert.equal(publicPage.status, 200);
  assert.doesNotMatch(publicPage.html, /id="property-breakdown"/);
});
