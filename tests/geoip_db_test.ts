// ECHELON_GEOIP_DB: an operator's MMDB replaces the bundled country database. Two small files
// built by tests/_mmdb_writer.ts stand in for a country-only database (GeoLite2 Country) and a
// city one (DB-IP City Lite); hits from known IPs behind a trusted proxy get country, region and
// city stored, the overview API, CSV export and dashboard show them only when they exist, the
// footer credits the data in use, and a missing or foreign file stops the server at start.
import assert from "node:assert/strict";
import { ConfigError } from "../lib/config.ts";
import { refreshRollups } from "../lib/stats/mod.ts";
import { adminApp, adminHtml } from "./_admin.ts";
import { flush, hit, verifiedBeaconUrl, views } from "./_collect.ts";
import { createTestApp, type TestApp } from "./_helpers.ts";
import { buildMmdb, type MmdbNetwork } from "./_mmdb_writer.ts";
import { runToExit } from "./_process.ts";
import { getJson, SECRET } from "./_stats_fixture.ts";

const PROXY = "203.0.113.7";
const LONDON = "81.2.69.142";
const LEEDS = "81.2.70.9";
const PARIS_V6 = "2a02:ff0::1";
const RURAL = "89.160.20.113";

const PLACE = (country: string, region?: string, city?: string) => ({
  country: { iso_code: country, names: { en: country } },
  ...(region ? { subdivisions: [{ names: { en: region } }] } : {}),
  ...(city ? { city: { names: { en: city } } } : {}),
  // DB-IP and GeoLite2 city records carry coordinates; they must never be stored.
  location: { latitude: 51.5142, longitude: -0.0931 },
});

const CITY_NETWORKS: MmdbNetwork[] = [
  { cidr: "81.2.69.0/24", record: PLACE("GB", "England", "London") },
  { cidr: "81.2.70.0/24", record: PLACE("GB", "England", "Leeds") },
  { cidr: "2a02:ff0::/32", record: PLACE("FR", "Île-de-France", "Paris") },
  // A network the database places in a country only.
  { cidr: "89.160.20.0/24", record: PLACE("SE") },
];
const COUNTRY_NETWORKS: MmdbNetwork[] = CITY_NETWORKS.map(({ cidr, record }) => ({
  cidr,
  record: { country: (record as { country: Record<string, string> }).country },
}));

function writeDb(networks: MmdbNetwork[], databaseType: string): string {
  const path = Deno.makeTempFileSync({ prefix: "echelon-geo-", suffix: ".mmdb" });
  Deno.writeFileSync(path, buildMmdb(networks, { databaseType, buildEpoch: 1_764_547_200 }));
  return path;
}

const cityDb = writeDb(CITY_NETWORKS, "DBIP-City-Lite");
const countryDb = writeDb(COUNTRY_NETWORKS, "GeoLite2-Country");
globalThis.addEventListener("unload", () => {
  for (const path of [cityDb, countryDb]) Deno.removeSync(path);
});

function envFor(path: string): Record<string, string> {
  return { ECHELON_GEOIP_DB: path, ECHELON_TRUST_PROXY: `${PROXY}/32`, ECHELON_SECRET: SECRET };
}

/** Counted page views from each client IP, through the trusted proxy's X-Forwarded-For. */
async function visit(t: TestApp, clients: [ip: string, path: string][]): Promise<void> {
  for (const [ip, path] of clients) {
    const { res, drop } = await hit(
      t,
      verifiedBeaconUrl(t, { p: btoa(path) }),
      { "x-forwarded-for": ip },
      PROXY,
    );
    assert.equal(res.status, 200);
    assert.equal(drop, null, `${ip} ${path}`);
  }
  await flush(t);
}

const CLIENTS: [string, string][] = [
  [LONDON, "/a"],
  ["81.2.69.7", "/b"],
  [LEEDS, "/c"],
  [PARIS_V6, "/d"],
  [RURAL, "/e"],
];

Deno.test("city database: country, region and city stored per view, no coordinates", async () => {
  const t = await createTestApp(envFor(cityDb));
  await visit(t, CLIENTS);
  const stored = (await views(t)).map((
    v,
  ) => [v.path, v.country_code, v.region, v.city, v.bot_score]);
  assert.deepEqual(stored.map((r) => r.slice(0, 4)), [
    ["/a", "GB", "England", "London"],
    ["/b", "GB", "England", "London"],
    ["/c", "GB", "England", "Leeds"],
    ["/d", "FR", "Île-de-France", "Paris"],
    ["/e", "SE", null, null],
  ]);
  for (const row of stored) assert.ok(Number(row[4]) < 50, `counted: ${row}`);
  const columns = t.services.db.all<{ name: string }>("PRAGMA table_info(visitor_views)")
    .map((c) => c.name);
  assert.ok(columns.includes("region") && columns.includes("city"));
  assert.ok(!columns.some((c) => /lat|lon|postcode|postal/i.test(c)), columns.join(","));
  const info = t.services.collect.geoInfo!;
  assert.equal(info.path, cityDb);
  assert.deepEqual(info.fields, { region: true, city: true });
  assert.equal(info.attribution.text, "IP geolocation by DB-IP.com");
});

Deno.test("city database: overview API lists regions and cities, live and after the rollup", async () => {
  const t = await createTestApp(envFor(cityDb));
  await visit(t, CLIENTS);
  const expected = {
    regions: [
      { country_code: "GB", region: "England", visits: 3, visitors: 3 },
      { country_code: "FR", region: "Île-de-France", visits: 1, visitors: 1 },
    ],
    cities: [
      { country_code: "GB", region: "England", city: "London", visits: 2, visitors: 2 },
      { country_code: "FR", region: "Île-de-France", city: "Paris", visits: 1, visitors: 1 },
      { country_code: "GB", region: "England", city: "Leeds", visits: 1, visitors: 1 },
    ],
  };
  const live = await getJson(t, "/api/stats/overview?site_id=shop&days=1");
  assert.equal(live.pageviews, 5);
  assert.deepEqual({ regions: live.regions, cities: live.cities }, expected);
  // The next day the rollup holds the day: the same lists from the stored aggregates.
  t.clock.now += 86_400_000;
  await refreshRollups({
    store: t.services.store,
    now: () => t.clock.now,
    config: t.services.config,
  });
  const day = await getJson(t, "/api/stats/overview?site_id=shop&from=2026-11-20&to=2026-11-20");
  assert.equal(day.source.kind, "rollup");
  assert.deepEqual({ regions: day.regions, cities: day.cities }, expected);
});

Deno.test("city database: dashboard cards, CSV sections and the footer's attribution", async () => {
  const app = await adminApp(envFor(cityDb));
  await visit(app, CLIENTS);
  const { status, html } = await adminHtml(app, "/admin?site=shop&days=1");
  assert.equal(status, 200);
  assert.match(html, /id="regions"/);
  assert.match(html, /data-rank="England, GB"/);
  assert.match(html, /id="cities"/);
  assert.match(html, /data-rank="London, England, GB"/);
  assert.match(
    html,
    /<a class="underline" href="https:\/\/db-ip.com">IP geolocation by DB-IP.com<\/a>, CC BY 4.0/,
  );
  // The hosting-network data keeps its own credit beside the database's.
  assert.match(
    html,
    /href="https:\/\/db-ip.com">Hosting networks: IP Geolocation by DB-IP, RouteViews/,
  );
  const csv = await (await app.request("/api/export/overview.csv?site_id=shop&days=1", {
    headers: { authorization: `Bearer ${SECRET}` },
  })).text();
  assert.match(csv, /# Regions\r\ncountry_code,region,pageviews,visitors\r\nGB,England,3,3\r\n/);
  assert.match(
    csv,
    /# Cities\r\ncountry_code,region,city,pageviews,visitors\r\nGB,England,London,2,2\r\n/,
  );
});

Deno.test("country database: countries only, no region or city cards or sections", async () => {
  const app = await adminApp(envFor(countryDb));
  await visit(app, CLIENTS);
  assert.deepEqual(
    (await views(app)).map((v) => [v.country_code, v.region, v.city]),
    [["GB", null, null], ["GB", null, null], ["GB", null, null], ["FR", null, null], [
      "SE",
      null,
      null,
    ]],
  );
  assert.deepEqual(app.services.collect.geoInfo!.fields, { region: false, city: false });
  const overview = await getJson(app, "/api/stats/overview?site_id=shop&days=1");
  assert.deepEqual(overview.countries.map((c: { country_code: string }) => c.country_code), [
    "GB",
    "FR",
    "SE",
  ]);
  assert.deepEqual([overview.regions, overview.cities], [[], []]);
  const { html } = await adminHtml(app, "/admin?site=shop&days=1");
  assert.match(html, /id="countries"/);
  assert.doesNotMatch(html, /id="regions"|id="cities"/);
  assert.match(html, /This product includes GeoLite2 data created by MaxMind<\/a>, GeoLite2 EULA/);
  const csv = await (await app.request("/api/export/overview.csv?site_id=shop&days=1", {
    headers: { authorization: `Bearer ${SECRET}` },
  })).text();
  assert.match(csv, /# Countries\r\n/);
  assert.doesNotMatch(csv, /# Regions|# Cities/);
});

Deno.test("a country header from the trusted edge wins; the database's city then only if it agrees", async () => {
  const t = await createTestApp({ ...envFor(cityDb), ECHELON_TRUST_GEO_HEADERS: "true" });
  for (const [country, path] of [["GB", "/same"], ["DE", "/other"]]) {
    const { drop } = await hit(t, verifiedBeaconUrl(t, { p: btoa(path) }), {
      "x-forwarded-for": LONDON,
      "x-country-code": country,
    }, PROXY);
    assert.equal(drop, null);
  }
  assert.deepEqual((await views(t)).map((v) => [v.path, v.country_code, v.region, v.city]), [
    ["/same", "GB", "England", "London"],
    ["/other", "DE", null, null],
  ]);
});

Deno.test("anonymised sites store no region or city", async () => {
  const t = await createTestApp({ ...envFor(cityDb), ECHELON_ANONYMIZE_SITES: "shop" });
  await visit(t, [[LONDON, "/a"]]);
  const [row] = await views(t);
  assert.deepEqual([row.region, row.city], [null, null]);
  assert.notEqual(row.country_code, "GB");
});

Deno.test("ECHELON_GEOIP_DB missing or not an MMDB: a clear error at start, nothing served", async () => {
  const notMmdb = Deno.makeTempFileSync({ suffix: ".mmdb" });
  Deno.writeTextFileSync(notMmdb, "GeoIP2 City, but as a CSV\n81.2.69.0/24,GB,London\n");
  try {
    await assert.rejects(
      () => createTestApp({ ECHELON_GEOIP_DB: "/nonexistent/dbip-city-lite.mmdb" }),
      (e: Error) =>
        e instanceof ConfigError &&
        /^ECHELON_GEOIP_DB: cannot read \/nonexistent\/dbip-city-lite\.mmdb: /.test(e.message),
    );
    await assert.rejects(
      () => createTestApp({ ECHELON_GEOIP_DB: notMmdb }),
      /ECHELON_GEOIP_DB: .* is not a MaxMind DB \(\.mmdb\) file/,
    );
    await assert.rejects(
      () => createTestApp({ ECHELON_GEOIP_DB: Deno.makeTempDirSync() }),
      /ECHELON_GEOIP_DB: .* is not a file/,
    );
    // The real server: one line naming the variable, exit code 2, before it listens.
    const db = Deno.makeTempFileSync({ suffix: ".db" });
    const { code, output } = await runToExit({
      ECHELON_DB_PATH: db,
      ECHELON_PORT: "0",
      ECHELON_GEOIP_DB: "/nonexistent/dbip-city-lite.mmdb",
    }, 20_000);
    assert.equal(code, 2, output);
    assert.match(output, /Invalid configuration: ECHELON_GEOIP_DB: cannot read \/nonexistent\//);
    assert.doesNotMatch(output, /listening on/);
  } finally {
    Deno.removeSync(notMmdb);
  }
});

Deno.test("a file whose type says nothing: fields found in its records, credited by its description", async () => {
  const path = Deno.makeTempFileSync({ suffix: ".mmdb" });
  // ip-location-db's flat records; one network covers an address of the start-up sample.
  Deno.writeFileSync(
    path,
    buildMmdb([
      { cidr: "81.0.0.0/16", record: { country_code: "gb", state1: "Scotland", city: "Glasgow" } },
      { cidr: "81.2.69.0/24", record: { country_code: "GB", city: "London\u001f\n" } },
    ], { databaseType: "ipvAll", description: "my merged test database" }),
  );
  try {
    const app = await adminApp(envFor(path));
    assert.deepEqual(app.services.collect.geoInfo!.fields, { region: true, city: true });
    await visit(app, [["81.0.3.4", "/a"], [LONDON, "/b"]]);
    assert.deepEqual((await views(app)).map((v) => [v.country_code, v.region, v.city]), [
      ["GB", "Scotland", "Glasgow"],
      ["GB", null, "London"],
    ]);
    const { html } = await adminHtml(app, "/admin?site=shop&days=1");
    assert.match(html, /<span class="ip-data"> · IP geolocation: my merged test database<\/span>/);
    assert.match(html, /data-rank="London, GB"/);
  } finally {
    Deno.removeSync(path);
  }
});

Deno.test("a replaced file is picked up by the geo-reload job; a bad one leaves the old in use", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "echelon-geo-" });
  const link = `${dir}/dbip-city-lite.mmdb`;
  const write = (name: string, city: string, buildEpoch: number) => {
    Deno.writeFileSync(
      `${dir}/${name}`,
      buildMmdb([{ cidr: "81.2.69.0/24", record: PLACE("GB", "England", city) }], {
        databaseType: "DBIP-City-Lite",
        buildEpoch,
      }),
    );
    Deno.removeSync(link);
  };
  try {
    Deno.writeFileSync(
      `${dir}/2026-11.mmdb`,
      buildMmdb(CITY_NETWORKS, { databaseType: "DBIP-City-Lite", buildEpoch: 1_761_955_200 }),
    );
    Deno.symlinkSync(`${dir}/2026-11.mmdb`, link);
    const t = await createTestApp(envFor(link));
    const reload = t.services.jobs.find((job) => job.name === "geo-reload")!;
    assert.ok(reload, "the job runs when ECHELON_GEOIP_DB is set");
    await reload.run();
    await visit(t, [[LONDON, "/before"]]);

    write("2026-12.mmdb", "City of Westminster", 1_764_547_200);
    Deno.symlinkSync(`${dir}/2026-12.mmdb`, link);
    await reload.run();
    await visit(t, [[LONDON, "/after"]]);
    assert.equal(t.services.collect.geoInfo!.builtAt.toISOString().slice(0, 10), "2025-12-01");

    Deno.writeTextFileSync(`${dir}/broken.mmdb`, "<html>download failed</html>");
    Deno.removeSync(link);
    Deno.symlinkSync(`${dir}/broken.mmdb`, link);
    await reload.run();
    await visit(t, [[LONDON, "/broken"]]);
    assert.deepEqual((await views(t)).map((v) => [v.path, v.city]), [
      ["/before", "London"],
      ["/after", "City of Westminster"],
      ["/broken", "City of Westminster"],
    ]);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
