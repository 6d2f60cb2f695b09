// The period selector's presets (lib/admin/period.ts PERIOD_CHOICES) on a frozen clock: each
// preset's first and last day, at month and year edges (1 January, 31 December, 1 March of a leap
// year), in UTC and in a site's zone; their URL forms kept by links; bad values fall back; and the
// dashboard renders every preset (links marked current, no 500).
import assert from "node:assert/strict";
import {
  adminHref,
  parseSelection,
  PERIOD_CHOICES,
  type SelectionLookups,
} from "../lib/admin/period.ts";
import { adminApp, adminHtml, insertViews, registerSite } from "./_admin.ts";

const at = (iso: string) => Date.parse(iso);
const select = (query: string, now: number, lookups: SelectionLookups = {}) =>
  parseSelection(new URL(`http://x/admin?${query}`), now, lookups);
const range = (query: string, now: number, lookups: SelectionLookups = {}) => {
  const p = select(query, now, lookups).period;
  return [p.from, p.to];
};

Deno.test("presets: every choice's range on an ordinary day", () => {
  const now = at("2026-11-20T12:00:00.000Z");
  const first = { firstView: () => "2026-03-04T05:06:07.000Z" };
  const expected: Record<string, [string, string]> = {
    today: ["2026-11-20", "2026-11-20"],
    yesterday: ["2026-11-19", "2026-11-19"],
    "7d": ["2026-11-14", "2026-11-20"],
    "30d": ["2026-10-22", "2026-11-20"],
    month: ["2026-11-01", "2026-11-20"],
    last_month: ["2026-10-01", "2026-10-31"],
    "90d": ["2026-08-23", "2026-11-20"],
    "1y": ["2025-11-21", "2026-11-20"],
    all: ["2026-03-04", "2026-11-20"],
  };
  assert.deepEqual(PERIOD_CHOICES.map((c) => c.key), Object.keys(expected));
  for (const [key, want] of Object.entries(expected)) {
    assert.deepEqual(range(`period=${key}`, now, first), want, key);
    const p = select(`period=${key}`, now, first).period;
    assert.equal(p.preset, key);
    assert.equal(p.since, `${want[0]}T00:00:00.000Z`, key);
  }
  // "Last N days" presets are also ?days=N (the older links), and name their preset.
  assert.equal(select("days=7", now).period.preset, "7d");
  assert.equal(select("days=1", now).period.label, "Today");
  assert.equal(select("days=14", now).period.preset, null);
  // All time without any stored view: today only.
  assert.deepEqual(range("period=all", now), ["2026-11-20", "2026-11-20"]);
});

Deno.test("presets: month and year edges", () => {
  const jan1 = at("2027-01-01T00:30:00.000Z");
  assert.deepEqual(range("period=yesterday", jan1), ["2026-12-31", "2026-12-31"]);
  assert.deepEqual(range("period=month", jan1), ["2027-01-01", "2027-01-01"]);
  assert.deepEqual(range("period=last_month", jan1), ["2026-12-01", "2026-12-31"]);
  assert.deepEqual(range("period=7d", jan1), ["2026-12-26", "2027-01-01"]);

  const dec31 = at("2026-12-31T23:59:59.000Z");
  assert.deepEqual(range("period=month", dec31), ["2026-12-01", "2026-12-31"]);
  assert.deepEqual(range("period=last_month", dec31), ["2026-11-01", "2026-11-30"]);
  assert.deepEqual(range("period=today", dec31), ["2026-12-31", "2026-12-31"]);

  const leap = at("2028-03-01T10:00:00.000Z");
  assert.deepEqual(range("period=yesterday", leap), ["2028-02-29", "2028-02-29"]);
  assert.deepEqual(range("period=last_month", leap), ["2028-02-01", "2028-02-29"]);
  const march31 = at("2026-03-31T10:00:00.000Z");
  assert.deepEqual(range("period=last_month", march31), ["2026-02-01", "2026-02-28"]);
});

Deno.test("presets: days are local to the site's zone", () => {
  // 2026-12-31 20:00 UTC is already 2027-01-01 09:00 in Auckland (NZDT, +13).
  const now = at("2026-12-31T20:00:00.000Z");
  const kiwi: SelectionLookups = { timeZone: () => "Pacific/Auckland" };
  assert.deepEqual(range("period=today", now, kiwi), ["2027-01-01", "2027-01-01"]);
  assert.deepEqual(range("period=last_month", now, kiwi), ["2026-12-01", "2026-12-31"]);
  const p = select("period=yesterday", now, kiwi).period;
  assert.deepEqual([p.from, p.since, p.until, p.timeZone], [
    "2026-12-31",
    "2026-12-30T11:00:00.000Z",
    "2026-12-31T11:00:00.000Z",
    "Pacific/Auckland",
  ]);
  // Los Angeles (PST, -8) is still on 2026-12-31; a custom range is clamped to its today.
  const la: SelectionLookups = { timeZone: () => "America/Los_Angeles" };
  assert.deepEqual(range("period=month", now, la), ["2026-12-01", "2026-12-31"]);
  assert.deepEqual(range("from=2026-12-30&to=2027-01-05", now, la), ["2026-12-30", "2026-12-31"]);
  // All time: the first view's local date in the zone (01:00 UTC on the 2nd is the 1st in LA).
  const first = { ...la, firstView: () => "2026-06-02T01:00:00.000Z" };
  assert.deepEqual(range("period=all", now, first), ["2026-06-01", "2026-12-31"]);
});

Deno.test("presets: URL forms are kept by links; bad values fall back", () => {
  const now = at("2026-11-20T12:00:00.000Z");
  assert.equal(
    adminHref("/admin/views", select("site=shop&period=yesterday", now)),
    "/admin/views?site=shop&period=yesterday",
  );
  assert.equal(adminHref("/admin", select("period=last_month", now)), "/admin?period=last_month");
  assert.equal(adminHref("/admin", select("period=7d", now)), "/admin?days=7");
  assert.equal(adminHref("/admin", select("period=30d", now)), "/admin");
  // An explicit range wins over a preset; a bad preset falls back to ?days or the default.
  assert.equal(select("period=yesterday&from=2026-11-01&to=2026-11-02", now).period.preset, null);
  assert.equal(select("period=fortnight&days=7", now).period.preset, "7d");
  for (const bad of ["period=", "period=ALL", "period=%00", "period=" + "x".repeat(500)]) {
    const p = select(bad, now).period;
    assert.deepEqual([p.preset, p.days], ["30d", 30], bad);
  }
});

Deno.test("presets: the dashboard renders each one, marking it current", async () => {
  const app = await adminApp();
  registerSite(app, "shop");
  insertViews(app, [
    { visitor_id: "a", created_at: "2026-09-10T10:00:00.000Z" },
    { visitor_id: "b", created_at: "2026-11-19T10:00:00.000Z" },
  ]);
  for (const choice of PERIOD_CHOICES) {
    const { status, html } = await adminHtml(app, `/admin?site=shop&period=${choice.key}`);
    assert.equal(status, 200, choice.key);
    assert.match(
      html,
      new RegExp(`data-period="${choice.key}" aria-current="true"`),
      `${choice.key} is marked current`,
    );
    assert.ok(html.includes(`shop · ${choice.label} (`), choice.key);
  }
  const all = await adminHtml(app, "/admin?site=shop&period=all");
  assert.ok(all.html.includes("All time (2026-09-10 – 2026-11-20, UTC)"));
  for (const bad of ["period=nope", "period=%FF", "period=all&days=-3"]) {
    assert.equal((await adminHtml(app, `/admin?site=shop&${bad}`)).status, 200, bad);
  }
});
