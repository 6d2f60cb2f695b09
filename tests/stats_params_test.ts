// Validation of the stats API: every bad parameter is a 400 `{error, message}` naming the field,
// never a 500; auth is required outside public mode.
import assert from "node:assert/strict";
import { createTestApp } from "./_helpers.ts";
import { AUTH, SECRET } from "./_stats_fixture.ts";

const BAD: [string, string, RegExp][] = [
  ["/api/stats/overview", "missing_param", /site_id is required/],
  ["/api/stats/overview?site_id=", "missing_param", /site_id/],
  ["/api/stats/overview?site_id=no%20spaces", "invalid_site_id", /site_id/],
  [`/api/stats/overview?site_id=${"x".repeat(65)}`, "invalid_site_id", /site_id/],
  ["/api/stats/overview?site_id=shop&days=0", "invalid_param", /days: "0" must be 1-730/],
  ["/api/stats/overview?site_id=shop&days=731", "invalid_param", /days/],
  ["/api/stats/overview?site_id=shop&days=abc", "invalid_param", /days/],
  ["/api/stats/overview?site_id=shop&days=-3", "invalid_param", /days/],
  ["/api/stats/overview?site_id=shop&days=1.5", "invalid_param", /days/],
  ["/api/stats/overview?site_id=shop&from=2026-13-01", "invalid_param", /from/],
  ["/api/stats/overview?site_id=shop&from=2026-02-30", "invalid_param", /from/],
  ["/api/stats/overview?site_id=shop&from=yesterday", "invalid_param", /from/],
  ["/api/stats/overview?site_id=shop&to=2026-11-01", "missing_param", /from is required/],
  ["/api/stats/overview?site_id=shop&from=2026-11-10&to=2026-11-01", "invalid_param", /after to/],
  [
    "/api/stats/overview?site_id=shop&from=2026-11-10&to=2026-11-21",
    "invalid_param",
    /after today/,
  ],
  ["/api/stats/overview?site_id=shop&from=2024-01-01&to=2026-11-20", "invalid_param", /730/],
  ["/api/stats/overview?site_id=shop&days=7&from=2026-11-01", "invalid_param", /either days/],
  ["/api/stats/overview?site_id=shop&compare=last_year", "invalid_param", /compare/],
  ["/api/stats/overview?site_id=shop&path=pricing", "invalid_param", /path/],
  ["/api/stats/overview?site_id=shop&country=FIN", "invalid_param", /country/],
  ["/api/stats/overview?site_id=shop&referrer=http://%5B", "invalid_param", /referrer/],
  [`/api/stats/overview?site_id=shop&utm_source=${"u".repeat(513)}`, "invalid_param", /utm_source/],
  ["/api/stats/overview?site_id=shop&limit=0", "invalid_param", /limit/],
  ["/api/stats/overview?site_id=shop&limit=101", "invalid_param", /limit/],
  ["/api/stats/dashboard", "missing_param", /site_id/],
  ["/api/stats/dashboard?site_id=%00", "invalid_site_id", /site_id/],
  ["/api/stats/realtime", "missing_param", /site_id/],
  ["/api/stats/realtime?site_id=a/b", "invalid_site_id", /site_id/],
];

Deno.test("stats API: bad parameters are 400 JSON errors naming the field", async () => {
  const t = await createTestApp({ ECHELON_SECRET: SECRET });
  for (const [path, code, message] of BAD) {
    const res = await t.request(path, { headers: AUTH });
    const body = await res.json();
    assert.equal(res.status, 400, `${path}: ${JSON.stringify(body)}`);
    assert.equal(body.error, code, path);
    assert.match(body.message, message, path);
  }
});

Deno.test("stats API: valid edge values are accepted", async () => {
  const t = await createTestApp({ ECHELON_SECRET: SECRET });
  for (
    const path of [
      "/api/stats/overview?site_id=Shop.Example_1&days=730",
      "/api/stats/overview?site_id=shop&days=1&limit=100",
      "/api/stats/overview?site_id=shop&from=2024-11-21&to=2026-11-20",
      "/api/stats/overview?site_id=shop&from=2026-11-20",
      "/api/stats/overview?site_id=shop&days=%2030%20&country=unknown&referrer=direct",
      "/api/stats/dashboard?site_id=shop",
      "/api/stats/realtime?site_id=shop",
    ]
  ) {
    const res = await t.request(path, { headers: AUTH });
    const text = await res.text();
    assert.equal(res.status, 200, `${path}: ${text}`);
  }
  const upper = await (await t.request("/api/stats/overview?site_id=SHOP&days=2", {
    headers: AUTH,
  })).json();
  assert.equal(upper.site_id, "shop", "site ids are stored lower-cased");
  assert.equal(upper.period_days, 2);
});

Deno.test("stats API: bearer required; public mode reads without it", async () => {
  const t = await createTestApp({ ECHELON_SECRET: SECRET });
  for (const path of ["overview", "dashboard", "realtime", "vitals"]) {
    const res = await t.request(`/api/stats/${path}?site_id=shop`);
    assert.equal(res.status, 401, path);
    await res.body?.cancel();
  }
  const open = await createTestApp({ ECHELON_PUBLIC_MODE: "true" });
  const res = await open.request("/api/stats/overview?site_id=shop");
  assert.equal(res.status, 200);
  await res.body?.cancel();
});
