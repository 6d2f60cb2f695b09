// The admin pages with many registered sites (issue 13, item 4): a real server on a database
// holding N sites (inserted directly), signed in, fetching each page that lists or selects sites;
// prints bytes, time and the server's peak RSS. `deno run -A bench/admin_sites.ts [sites]`.
import { openDatabase } from "../lib/db/mod.ts";
import { AUTH_ENV, TEST_PASSWORD, TEST_USERNAME } from "../tests/_auth.ts";
import { spawnServer } from "../tests/_process.ts";
import { processMemory } from "./proc_memory.ts";

export const SITE_PAGES = [
  "/admin",
  "/admin/sites",
  "/admin/realtime",
  "/admin/views",
  "/admin/events",
  "/admin/visitors",
  "/admin/bots",
  "/admin/campaigns",
  "/admin/experiments",
  "/admin/experiments/new",
  "/admin/perf",
  "/api/sites",
];

/** Inserts `count` auto-registered sites `site-000000`… into a database file. */
export function seedSites(path: string, count: number): void {
  const db = openDatabase(path);
  try {
    db.run(
      `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?)
       INSERT INTO sites (site_id, source, created_at)
       SELECT printf('site-%06d', i), 'auto', '2026-01-01T00:00:00.000Z' FROM n`,
      count,
    );
  } finally {
    db.close();
  }
}

async function main() {
  const count = Number(Deno.args[0] ?? 100_000);
  const dir = await Deno.makeTempDir({ prefix: "echelon-admin-sites-" });
  const dbPath = `${dir}/echelon.db`;
  seedSites(dbPath, count);
  const server = await spawnServer({ ...AUTH_ENV, ECHELON_DB_PATH: dbPath }, 60_000);
  try {
    const login = await fetch(`${server.baseUrl}/admin/login`, {
      method: "POST",
      redirect: "manual",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        origin: server.baseUrl,
      },
      body: new URLSearchParams({ username: TEST_USERNAME, password: TEST_PASSWORD }),
    });
    await login.body?.cancel();
    const cookie = login.headers.get("set-cookie")?.split(";")[0] ?? "";
    if (!cookie) throw new Error(`login failed: ${login.status}`);
    console.log(`${count} sites`);
    for (const path of SITE_PAGES) {
      const started = performance.now();
      const res = await fetch(`${server.baseUrl}${path}`, {
        headers: { cookie, accept: "text/html" },
      });
      const bytes = (await res.arrayBuffer()).byteLength;
      const ms = performance.now() - started;
      console.log(
        `${path.padEnd(26)} ${res.status} ${String(bytes).padStart(11)} bytes ` +
          `${ms.toFixed(0).padStart(6)} ms`,
      );
    }
    console.log(`server peak RSS ${processMemory(server.child.pid).peakRssMb} MB`);
  } finally {
    await server.stop();
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) await main();
