// A flood of made-up site ids against a real server (issue 13, item 4: 100,000 hits with unique
// `s=` once created 100,001 sites, and /admin grew to 8 MB). 100,000 real hits in two runs: with
// the default limits only ECHELON_NEW_SITES_PER_HOUR (100) sites are registered; after a
// restart with a high rate, the registry stops at ECHELON_MAX_SITES (1000). Every other hit is
// answered with the pixel, dropped and counted with its reason; a registered site keeps
// collecting; nothing else is stored. Then, with the registry topped up to 100,000 sites
// directly, every admin page stays under 200 KB.
import assert from "node:assert/strict";
import { Database } from "../../lib/db/database.ts";
import { openDatabase } from "../../lib/db/mod.ts";
import { fetchPage, seedSites, signIn, SITE_PAGES } from "../../bench/admin_sites.ts";
import { AUTH_ENV } from "../_auth.ts";
import { spawnServer } from "../_process.ts";
import { BROWSER_HEADERS } from "./_load.ts";

const HITS_PER_RUN = 50_000;
const MAX_SITES = 1000;
const PER_HOUR = 100;
const MAX_PAGE_BYTES = 200_000;

/** Sends `count` page views, each for a new site `<prefix>-<n>`; each answer must be the pixel. */
async function flood(baseUrl: string, prefix: string, count: number): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: 32 }, async () => {
    while (next < count) {
      const n = next++;
      const res = await fetch(`${baseUrl}/b.gif?s=${prefix}-${n}&p=%2F&_v=1500`, {
        headers: BROWSER_HEADERS,
      });
      const body = await res.arrayBuffer();
      assert.equal(res.status, 200);
      assert.equal(body.byteLength, 43, "the pixel, whatever happens to the hit");
    }
  }));
}

async function visit(baseUrl: string, site: string): Promise<void> {
  const res = await fetch(`${baseUrl}/b.gif?s=${site}&p=%2Fkept&_v=1500`, {
    headers: BROWSER_HEADERS,
  });
  await res.arrayBuffer();
}

interface Stored {
  sites: number;
  /** One of the sites the flood registered. */
  registered: string;
  views: Record<string, number>;
  events: number;
  drops: Record<string, number>;
  dropRows: number;
}

function stored(path: string): Stored {
  const db = new Database(path);
  try {
    const views = db.all<{ site: string; n: number }>(
      `SELECT CASE WHEN site_id LIKE 'flood-%' THEN 'flood' ELSE site_id END AS site, COUNT(*) AS n
       FROM visitor_views GROUP BY site`,
    );
    const drops = db.all<{ reason: string; hits: number }>(
      "SELECT reason, SUM(hits) AS hits FROM drop_counts GROUP BY reason",
    );
    return {
      sites: db.get<{ n: number }>("SELECT COUNT(*) AS n FROM sites")!.n,
      registered: db.get<{ site_id: string }>(
        "SELECT site_id FROM sites WHERE site_id LIKE 'flood-%' ORDER BY site_id LIMIT 1",
      )?.site_id ?? "",
      views: Object.fromEntries(views.map((r) => [r.site, r.n])),
      events: db.get<{ n: number }>("SELECT COUNT(*) AS n FROM semantic_events")!.n,
      drops: Object.fromEntries(drops.map((r) => [r.reason, r.hits])),
      dropRows: db.get<{ n: number }>("SELECT COUNT(*) AS n FROM drop_counts")!.n,
    };
  } finally {
    db.close();
  }
}

Deno.test("fault: 100,000 hits with unique site ids register at most the limits; the admin stays small", async () => {
  const dir = await Deno.makeTempDir({ prefix: "echelon-site-flood-" });
  const dbPath = `${dir}/echelon.db`;
  const db = openDatabase(dbPath);
  db.run("INSERT INTO sites (site_id, source) VALUES ('shop', 'admin')");
  db.close();
  const env = { ...AUTH_ENV, ECHELON_DB_PATH: dbPath, ECHELON_RATE_LIMIT_MAX: "0" };
  try {
    // Default limits: the hourly rate stops the flood at 100 new sites.
    let server = await spawnServer(env);
    try {
      await flood(server.baseUrl, "flood-a", HITS_PER_RUN);
      await visit(server.baseUrl, "shop");
    } finally {
      assert.equal((await server.stop()).code, 0, server.log());
    }
    let after = stored(dbPath);
    assert.equal(after.sites, 1 + PER_HOUR);
    assert.deepEqual(after.views, { flood: PER_HOUR, shop: 1 });
    assert.deepEqual(after.drops, { site_rate_limit: HITS_PER_RUN - PER_HOUR });
    assert.equal(after.events, 0);
    assert.ok(after.dropRows <= 101, `${after.dropRows} drop_counts rows`);

    // A restart with a high rate: the registry fills up to the cap, and no further.
    server = await spawnServer({ ...env, ECHELON_NEW_SITES_PER_HOUR: "1000000" });
    try {
      await flood(server.baseUrl, "flood-b", HITS_PER_RUN);
      await visit(server.baseUrl, "shop");
      await visit(server.baseUrl, after.registered);
    } finally {
      assert.equal((await server.stop()).code, 0, server.log());
    }
    after = stored(dbPath);
    const added = MAX_SITES - 1 - PER_HOUR;
    assert.equal(after.sites, MAX_SITES);
    assert.equal(after.views.shop, 2, "a registered site keeps collecting");
    assert.equal(after.views.flood, PER_HOUR + added + 1);
    assert.deepEqual(after.drops, {
      site_rate_limit: HITS_PER_RUN - PER_HOUR,
      site_limit: HITS_PER_RUN - added,
    });
    assert.equal(after.events, 0);
    assert.ok(after.dropRows <= 2 * 101, `${after.dropRows} drop_counts rows`);

    // 100,000 sites in the registry (the rest inserted directly): every page stays small.
    seedSites(dbPath, 100_000);
    server = await spawnServer(env, 60_000);
    try {
      const cookie = await signIn(server.baseUrl);
      for (const path of SITE_PAGES) {
        const page = await fetchPage(server.baseUrl, cookie, path);
        assert.equal(page.status, 200, path);
        assert.ok(page.bytes < MAX_PAGE_BYTES, `${path}: ${page.bytes} bytes`);
      }
    } finally {
      assert.equal((await server.stop()).code, 0, server.log());
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
