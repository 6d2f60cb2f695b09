// The admin pages with many registered sites (issue 13, item 4): a real server on a database
// holding N sites (inserted directly), signed in, fetching each page that lists or selects sites;
// prints bytes, the first and the best of three fetch times, and the server's peak RSS.
// `deno run -A bench/admin_sites.ts [sites]` (default 100,000).
import { openDatabase } from "../lib/db/mod.ts";
import { AUTH_ENV, TEST_PASSWORD, TEST_USERNAME } from "../tests/_auth.ts";
import { spawnServer } from "../tests/_process.ts";
import { processMemory } from "./proc_memory.ts";

/** Every page that lists or selects sites (and GET /api/sites). */
export const SITE_PAGES = [
  "/admin",
  "/admin/sites",
  "/admin/sites?q=site-07",
  "/admin/realtime",
  "/admin/views",
  "/admin/events",
  "/admin/visitors",
  "/admin/bots",
  "/admin/campaigns",
  "/admin/experiments",
  "/admin/experiments/new",
  "/admin/perf",
  "/admin/settings",
  "/api/sites",
];

/** Adds sites `site-000000`… (registered by hits long ago) until `path` holds `count` sites. */
export function seedSites(path: string, count: number): void {
  const db = openDatabase(path);
  try {
    const missing = count - db.get<{ n: number }>("SELECT COUNT(*) AS n FROM sites")!.n;
    if (missing <= 0) return;
    db.run(
      `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?)
       INSERT INTO sites (site_id, source, created_at)
       SELECT printf('site-%06d', i), 'auto', '2026-01-01T00:00:00.000Z' FROM n`,
      missing,
    );
  } finally {
    db.close();
  }
}

/** Signs in on a server started with AUTH_ENV; returns the Cookie header value. */
export async function signIn(baseUrl: string): Promise<string> {
  const login = await fetch(`${baseUrl}/admin/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: baseUrl },
    body: new URLSearchParams({ username: TEST_USERNAME, password: TEST_PASSWORD }),
  });
  await login.body?.cancel();
  const cookie = login.headers.get("set-cookie")?.split(";")[0] ?? "";
  if (!cookie) throw new Error(`login failed: ${login.status}`);
  return cookie;
}

export interface PageFetch {
  path: string;
  status: number;
  bytes: number;
  ms: number;
}

/** Fetches a page as the signed-in admin. */
export async function fetchPage(baseUrl: string, cookie: string, path: string): Promise<PageFetch> {
  const started = performance.now();
  const res = await fetch(`${baseUrl}${path}`, { headers: { cookie, accept: "text/html" } });
  const bytes = (await res.arrayBuffer()).byteLength;
  return { path, status: res.status, bytes, ms: performance.now() - started };
}

async function main() {
  const count = Number(Deno.args[0] ?? 100_000);
  const dir = await Deno.makeTempDir({ prefix: "echelon-admin-sites-" });
  const dbPath = `${dir}/echelon.db`;
  seedSites(dbPath, count);
  const server = await spawnServer({ ...AUTH_ENV, ECHELON_DB_PATH: dbPath }, 60_000);
  try {
    const cookie = await signIn(server.baseUrl);
    console.log(`${count} sites`);
    for (const path of SITE_PAGES) {
      const first = await fetchPage(server.baseUrl, cookie, path);
      let best = first.ms;
      for (let i = 0; i < 2; i++) {
        best = Math.min(best, (await fetchPage(server.baseUrl, cookie, path)).ms);
      }
      console.log(
        `${path.padEnd(26)} ${first.status} ${String(first.bytes).padStart(11)} bytes ` +
          `first ${first.ms.toFixed(0).padStart(6)} ms, best ${best.toFixed(0).padStart(6)} ms`,
      );
    }
    console.log(`server peak RSS ${processMemory(server.child.pid).peakRssMb} MB`);
  } finally {
    await server.stop();
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) await main();
