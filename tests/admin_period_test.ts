// The admin's query-string helpers: site/period selection (bad input → defaults), links that keep
// the selection, keyset cursors (bad cursor → first page) and where a form may return to.
import assert from "node:assert/strict";
import { decodeCursor, encodeCursor, pageRequest } from "../lib/admin/cursor.ts";
import { safeReturnPath } from "../lib/admin/forms.ts";
import { formatDateTime, isValidTimezone } from "../lib/admin/format.ts";
import { adminHref, parseDate, parseSelection } from "../lib/admin/period.ts";

const NOW = Date.parse("2026-11-20T12:00:00.000Z");
const select = (query: string) => parseSelection(new URL(`http://x/admin?${query}`), NOW);

Deno.test("period: last N days include today (UTC) and default to 30", () => {
  const d = select("").period;
  assert.deepEqual(
    { days: d.days, from: d.from, to: d.to, since: d.since, until: d.until },
    {
      days: 30,
      from: "2026-10-22",
      to: "2026-11-20",
      since: "2026-10-22T00:00:00.000Z",
      until: "2026-11-21T00:00:00.000Z",
    },
  );
  assert.equal(select("days=1").period.from, "2026-11-20");
  assert.equal(select("days=7").period.label, "7 days");
  assert.equal(select("days=400").period.days, 366);
});

Deno.test("period: explicit ranges, clamped to today, refused when reversed or too long", () => {
  const r = select("from=2026-11-01&to=2026-11-10").period;
  assert.deepEqual([r.days, r.from, r.to, r.until], [
    null,
    "2026-11-01",
    "2026-11-10",
    "2026-11-11T00:00:00.000Z",
  ]);
  assert.equal(select("from=2026-11-01&to=2027-01-01").period.to, "2026-11-20");
  assert.equal(select("from=2026-11-01").period.to, "2026-11-20");
  assert.equal(select("from=2026-11-10&to=2026-11-01").period.days, 30);
  assert.equal(select("from=2020-01-01&to=2026-11-01").period.days, 30);
});

Deno.test("period and site: garbage falls back to defaults, never throws", () => {
  for (
    const query of [
      "days=abc",
      "days=-5",
      "days=0",
      "days=1e9",
      "days=%00",
      "from=2026-02-31",
      "from=yesterday&to=today",
      "from=2026-13-01",
      "site=" + "x".repeat(100),
      "site=../../etc",
      "site=%E2%80%AE",
    ]
  ) {
    const s = select(query);
    assert.equal(s.period.days, 30, query);
    assert.ok(s.site === null, query);
  }
  assert.equal(select("site=Shop.Example").site, "shop.example");
  assert.equal(select("site_id=shop").site, "shop");
  assert.equal(parseDate("2024-02-29"), "2024-02-29");
  assert.equal(parseDate("2026-02-29"), null);
});

Deno.test("period: links keep the selection and leave defaults out", () => {
  const s = select("site=shop&days=7");
  assert.equal(adminHref("/admin/views", s), "/admin/views?site=shop&days=7");
  assert.equal(
    adminHref("/admin/views", s, { path: "/a b", bots: null, country: "" }),
    "/admin/views?site=shop&days=7&path=%2Fa+b",
  );
  assert.equal(adminHref("/admin/views", select("days=30")), "/admin/views");
  assert.equal(
    adminHref("/admin", select("from=2026-11-01&to=2026-11-02")),
    "/admin?from=2026-11-01&to=2026-11-02",
  );
});

Deno.test("cursor: round trip, and anything malformed is ignored", () => {
  const values = ["2026-11-20T12:00:00.000Z", 42];
  const encoded = encodeCursor(values);
  assert.match(encoded, /^[A-Za-z0-9_-]+$/);
  assert.deepEqual(decodeCursor(encoded, ["string", "number"]), values);
  assert.equal(decodeCursor(encoded, ["number", "number"]), null);
  assert.equal(decodeCursor(encoded, ["string"]), null);
  for (const bad of ["", "!!!", "e30", btoa("[1,2"), "x".repeat(1000), "%ZZ"]) {
    assert.equal(decodeCursor(bad, ["string", "number"]), null, bad);
  }
  const url = new URL(`http://x/admin/views?before=${encoded}`);
  assert.deepEqual(pageRequest(url, ["string", "number"], 10), {
    cursor: values,
    direction: "before",
    limit: 10,
  });
  assert.deepEqual(
    pageRequest(new URL("http://x/admin/views?after=garbage"), ["string", "number"], 10).cursor,
    null,
  );
});

Deno.test("forms: return paths stay on this origin under /admin", () => {
  assert.equal(safeReturnPath("/admin/visitors?site=a", "/f"), "/admin/visitors?site=a");
  assert.equal(safeReturnPath("/admin", "/f"), "/admin");
  for (
    const bad of [
      null,
      "",
      "//evil.example/admin",
      "/admin\\..\\x",
      "https://evil.example/admin",
      "/adminx",
      "/api/sites",
      "/admin/../api",
    ]
  ) {
    assert.equal(safeReturnPath(bad, "/f"), "/f", String(bad));
  }
});

Deno.test("format: times in the display zone; unknown zones are rejected", () => {
  assert.equal(formatDateTime("2026-11-20T12:00:00.000Z", "UTC"), "2026-11-20 12:00:00");
  assert.equal(
    formatDateTime("2026-11-20T23:30:00.000Z", "Europe/Helsinki"),
    "2026-11-21 01:30:00",
  );
  assert.equal(
    formatDateTime("2026-07-01T00:00:00.000Z", "America/New_York"),
    "2026-06-30 20:00:00",
  );
  assert.equal(isValidTimezone("Europe/Helsinki"), true);
  assert.equal(isValidTimezone("Mars/Olympus"), false);
  assert.equal(isValidTimezone(""), false);
});
