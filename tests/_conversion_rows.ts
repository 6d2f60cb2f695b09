// Seeded random rows for the conversion tests (tests/goals_query_test.ts,
// tests/funnels_query_test.ts): two sites, visitors with one to three visits over five UTC days
// (some crossing midnight or the range's edges, some without a session id), pages of a small site,
// custom events with properties and finished views with a scroll depth, bot scores on both, an
// excluded visitor, and events without a visitor (the batch API's).
import type { EventRow, ViewRow } from "../lib/db/columns.ts";
import { rng } from "./_random.ts";
import { event, view } from "./_stats_fixture.ts";

export const SITES = ["alpha", "beta"];
export const START = Date.parse("2026-11-16T00:00:00.000Z");
export const EXCLUDED = "alpha-v2";
export const PAGES = ["/", "/pricing", "/thanks", "/blog/a", "/blog/x/y"];

export interface Data {
  views: (ViewRow & { id: number })[];
  events: EventRow[];
}

export function generate(seed: number): Data {
  const r = rng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(r() * list.length)];
  const views: Data["views"] = [];
  const events: EventRow[] = [];
  const stamp = (ms: number) => new Date(ms).toISOString();
  for (const site of SITES) {
    for (let v = 0; v < 16; v++) {
      const visitor = `${site}-v${v}`;
      const country = pick(["DE", "FI", "US", null]);
      for (let s = 0; s < 1 + Math.floor(r() * 3); s++) {
        const sid = r() < 0.85 ? `${visitor}-s${s}` : null;
        let at = START + Math.floor(r() * 5 * 86_400_000);
        const source = pick(["google.com", "t.co", null]);
        for (let p = 0; p < 1 + Math.floor(r() * 4); p++) {
          const path = pick(PAGES);
          views.push({
            id: views.length + 1,
            ...view({
              site_id: site,
              visitor_id: visitor,
              session_id: sid,
              path,
              country_code: country,
              referrer_domain: p === 0 ? source : `${site}.test`,
              referrer_type: p === 0 ? (source ? "search" : null) : "internal",
              bot_score: pick([0, 0, 0, 10, 40, 60, 90]),
              created_at: stamp(at),
            }),
          });
          if (r() < 0.7) {
            events.push(event({
              site_id: site,
              visitor_id: visitor,
              session_id: sid,
              path,
              event_type: pick(["custom", "custom", "pageview_end", "outbound"]),
              event_name: pick(["signup", "purchase"]),
              data: pick([
                '{"plan":"pro"}',
                '{"plan":"free"}',
                "{}",
                "not json",
                // Revenue (a revenue goal reports it): as text and as a number, in euros, in
                // dollars, in the goal's currency, in one without a rate, and malformed.
                '{"plan":"pro","revenue":"49.9","currency":"EUR"}',
                '{"revenue":20,"currency":"usd"}',
                '{"revenue":"5"}',
                '{"revenue":"7","currency":"JPY"}',
                '{"revenue":"1.2.3"}',
                '{"revenue":"abc","currency":"EUR"}',
              ]),
              scroll_pct: pick([null, 25, 80, 100]),
              bot_score: pick([0, 0, 30, 70]),
              created_at: stamp(at + 1000),
            }));
          }
          at += pick([30_000, 600_000, 20 * 3_600_000]);
        }
      }
    }
    // Events from the batch API: no visitor, no session.
    for (let i = 0; i < 3; i++) {
      events.push(event({
        site_id: site,
        event_type: "custom",
        event_name: "signup",
        data: '{"plan":"pro"}',
        created_at: stamp(START + Math.floor(r() * 5 * 86_400_000)),
        source: "ingest",
      }));
    }
  }
  return { views, events };
}
