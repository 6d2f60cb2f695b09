// The campaign report fixture shared by the API and admin tests: hand-countable views and events
// of one campaign, and rows that must not count (bots, an excluded visitor, another site, a day
// before the range).
import { insertEvents, insertViews } from "./_admin.ts";
import type { TestApp } from "./_helpers.ts";

// The fixture for the report tests (clock: 2026-11-20 12:00 UTC; days=7 is 11-14 … 11-20).
//   11-18  v1/s1  /landing (newsletter, email, hero, shoes) 10:00, /pricing (newsletter, email)
//          10:05 — two views, one session entering at /landing
//   11-18  v2/s2  /landing (twitter, social) — a bounce
//   11-20  v1/s3  /blog (newsletter, no medium) — a bounce; v1 again, but a new day
//   11-20  v3/--  /landing (no source, no session id: the session is the visitor) — a bounce
// Not counted: a bot (score 70), an excluded visitor, the same value on another site, a view
// before the range. Events tagged "spring": v1/s1 signup ×2 and v2/s2 click on 11-18, v3
// purchase on 11-20, plus a bot's; organic traffic: v6's view and click on 11-20.
export function seedReportFixture(t: TestApp): void {
  const db = t.services.db;
  db.run(
    // One registration time for all three (the column's default is the wall clock, which may tick
    // between inserts under load): the list's order is then decided by id.
    "INSERT INTO utm_campaigns (id, name, utm_campaign, site_id, created_at) VALUES ('spring', 'Spring', 'spring', 'shop', '2026-11-01T00:00:00.000Z')",
  );
  db.run(
    "INSERT INTO utm_campaigns (id, name, utm_campaign, site_id, status, created_at) VALUES ('autumn', 'Autumn', 'autumn', 'shop', 'paused', '2026-11-01T00:00:00.000Z')",
  );
  db.run(
    "INSERT INTO utm_campaigns (id, name, utm_campaign, site_id, created_at) VALUES ('blog-spring', 'Blog', 'spring', 'blog', '2026-11-01T00:00:00.000Z')",
  );
  db.run("INSERT INTO excluded_visitors (visitor_id, label) VALUES ('v5', 'me')");
  const at = (day: string, time: string) => `2026-11-${day}T${time}:00.000Z`;
  const tag = { site_id: "shop", utm_campaign: "spring" };
  insertViews(t, [
    {
      ...tag,
      visitor_id: "v1",
      session_id: "s1",
      path: "/landing",
      utm_source: "newsletter",
      utm_medium: "email",
      utm_content: "hero",
      utm_term: "shoes",
      created_at: at("18", "10:00"),
    },
    {
      ...tag,
      visitor_id: "v1",
      session_id: "s1",
      path: "/pricing",
      utm_source: "newsletter",
      utm_medium: "email",
      created_at: at("18", "10:05"),
    },
    {
      ...tag,
      visitor_id: "v2",
      session_id: "s2",
      path: "/landing",
      utm_source: "twitter",
      utm_medium: "social",
      created_at: at("18", "11:00"),
    },
    {
      ...tag,
      visitor_id: "v1",
      session_id: "s3",
      path: "/blog",
      utm_source: "newsletter",
      created_at: at("20", "09:00"),
    },
    { ...tag, visitor_id: "v3", path: "/landing", created_at: at("20", "09:30") },
    { ...tag, visitor_id: "v4", path: "/landing", bot_score: 70, created_at: at("20", "09:40") },
    { ...tag, visitor_id: "v5", path: "/landing", created_at: at("20", "09:45") },
    { ...tag, site_id: "blog", visitor_id: "b1", path: "/", created_at: at("20", "09:50") },
    { ...tag, visitor_id: "v7", path: "/old", created_at: at("10", "09:00") },
    { site_id: "shop", visitor_id: "v6", path: "/", created_at: at("20", "10:00") },
  ]);
  insertEvents(t, [
    {
      ...tag,
      visitor_id: "v1",
      session_id: "s1",
      event_type: "custom",
      event_name: "signup",
      created_at: at("18", "10:01"),
    },
    {
      ...tag,
      visitor_id: "v1",
      session_id: "s1",
      event_type: "custom",
      event_name: "signup",
      created_at: at("18", "10:06"),
    },
    {
      ...tag,
      visitor_id: "v2",
      session_id: "s2",
      event_type: "click",
      created_at: at("18", "11:00"),
    },
    {
      ...tag,
      visitor_id: "v3",
      event_type: "custom",
      event_name: "purchase",
      created_at: at("20", "09:31"),
    },
    { ...tag, visitor_id: "v4", event_type: "click", bot_score: 70, created_at: at("20", "09:41") },
    { site_id: "shop", visitor_id: "v6", event_type: "click", created_at: at("20", "10:01") },
  ]);
}
