// Behind a real nginx configured by confs/nginx.conf.example (issue 13 item 5): clients play from
// different loopback addresses and forge X-Forwarded-For. Login guesses are refused after 5 however
// the header rotates, forged failures do not lock the admin out, a browser's sign-in on a
// non-default port passes the CSRF check, and the tracking rate limit and the stored visitor ids
// follow the real client, not the header. Twice: the example as shipped with
// ECHELON_TRUST_PROXY=true (the README's setting), and an nginx that appends to the client's
// header ($proxy_add_x_forwarded_for) with ECHELON_TRUST_PROXY=1, where only the app's rule (the
// rightmost address that is not a trusted proxy) stands between the forged value and the limits.
import assert from "node:assert/strict";
import { AUTH_ENV, TEST_PASSWORD, TEST_USERNAME } from "./_auth.ts";
import { beaconUrl, BROWSER_HEADERS } from "./_collect.ts";
import { type NginxOptions, requestFrom, startNginx } from "./_nginx.ts";
import { spawnServer } from "./_process.ts";
import { openDatabase } from "../lib/db/mod.ts";
import { LOGIN_FAILURE_LIMIT } from "../lib/auth/login_limit.ts";

const GUESSES = 30;
const RATE_LIMIT = 10;
const HITS = 20;
const ADMIN = "127.0.0.2";
const GUESSER = "127.0.0.3";
const FRAMER = "127.0.0.4";
const TRACKED = "127.0.0.5";
const NEIGHBOUR = "127.0.0.6";

const form = (password: string) =>
  new URLSearchParams({ username: TEST_USERNAME, password }).toString();

Deno.test("nginx as in confs/, ECHELON_TRUST_PROXY=true: a forged X-Forwarded-For moves nothing", async (t) => {
  await forgedForwardedFor(t, "true", {});
});

Deno.test("nginx appending to X-Forwarded-For, ECHELON_TRUST_PROXY=1: the rightmost hop counts", async (t) => {
  await forgedForwardedFor(t, "1", { forwardedFor: "$proxy_add_x_forwarded_for" });
});

async function forgedForwardedFor(t: Deno.TestContext, trust: string, proxy: NginxOptions) {
  const dir = await Deno.makeTempDir({ prefix: "echelon-proxy-" });
  const dbPath = `${dir}/echelon.db`;
  const app = await spawnServer({
    ...AUTH_ENV,
    ECHELON_DB_PATH: dbPath,
    ECHELON_TRUST_PROXY: trust,
    ECHELON_RATE_LIMIT_MAX: String(RATE_LIMIT),
    ECHELON_DEBUG: "true",
  });
  let nginx;
  try {
    nginx = await startNginx(app.port, proxy);
    const base = nginx.baseUrl;
    // A script, not a browser: no Origin, so the login CSRF check lets it through to the limit.
    const guess = (from: string, forwardedFor: string, password: string) =>
      requestFrom(from, `${base}/admin/login`, {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          "x-forwarded-for": forwardedFor,
        },
        body: form(password),
      });

    await t.step("login guesses with a rotating X-Forwarded-For are refused after 5", async () => {
      const statuses: number[] = [];
      for (let i = 0; i < GUESSES; i++) {
        statuses.push((await guess(GUESSER, `198.51.100.${i + 1}`, `guess-${i}`)).status);
      }
      const checked = statuses.filter((status) => status === 401).length;
      console.log(`login guesses checked through nginx, rotating XFF: ${checked} of ${GUESSES}`);
      assert.equal(checked, LOGIN_FAILURE_LIMIT, `statuses: ${statuses}`);
      assert.deepEqual(statuses.slice(LOGIN_FAILURE_LIMIT), Array(GUESSES - 5).fill(429));
    });

    await t.step("failures forged with the admin's IP do not lock the admin out", async () => {
      for (let i = 0; i <= LOGIN_FAILURE_LIMIT; i++) await guess(FRAMER, ADMIN, `framed-${i}`);
      // The admin's browser on nginx's non-default port: Origin carries the port, and so must the
      // Host nginx passes on, or the sign-in is refused as cross-site (403 csrf).
      const signIn = await requestFrom(ADMIN, `${base}/admin/login`, {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          origin: base,
          referer: `${base}/admin/login`,
        },
        body: form(TEST_PASSWORD),
      });
      assert.equal(signIn.status, 303, signIn.body.slice(0, 300));
      assert.match(String(signIn.headers["set-cookie"]), /echelon_session=/);
      const cookie = String(signIn.headers["set-cookie"]).split(";")[0];
      const admin = await requestFrom(ADMIN, `${base}/admin`, { headers: { cookie } });
      assert.equal(admin.status, 200, "the session works through the proxy");
    });

    await t.step("hits with a rotating X-Forwarded-For share one rate limit", async () => {
      const drops: (string | undefined)[] = [];
      for (let i = 0; i < HITS; i++) {
        const res = await requestFrom(TRACKED, `${base}${beaconUrl({})}`, {
          headers: { ...BROWSER_HEADERS, "x-forwarded-for": `203.0.113.${i + 1}` },
        });
        assert.equal(res.status, 200);
        drops.push(res.headers["x-echelon-drop"] as string | undefined);
      }
      assert.deepEqual(drops.slice(0, RATE_LIMIT), Array(RATE_LIMIT).fill(undefined));
      assert.deepEqual(drops.slice(RATE_LIMIT), Array(HITS - RATE_LIMIT).fill("rate_limited"));
      const other = await requestFrom(NEIGHBOUR, `${base}${beaconUrl({})}`, {
        headers: { ...BROWSER_HEADERS, "x-forwarded-for": "203.0.113.1" },
      });
      assert.equal(other.headers["x-echelon-drop"], undefined, "another client has its own limit");
    });

    await t.step(
      "nginx keeps its connections to the app alive (the example's upstream)",
      async () => {
        const health = await (await fetch(`${app.baseUrl}/api/health`)).json();
        const sent = GUESSES + 2 * LOGIN_FAILURE_LIMIT + HITS + 4;
        assert.ok(
          health.connections.accepted < sent / 4,
          `${health.connections.accepted} connections for ${sent}+ requests through nginx`,
        );
      },
    );
  } finally {
    await nginx?.stop();
    await app.stop();
  }

  // What was stored: one visitor per real client, whatever the header said; the admin's session
  // names the admin's own address.
  const db = openDatabase(dbPath);
  try {
    const views = db.all<{ visitor_id: string; n: number }>(
      "SELECT visitor_id, count(*) AS n FROM visitor_views GROUP BY visitor_id ORDER BY n DESC",
    );
    assert.deepEqual(views.map((row) => row.n), [RATE_LIMIT, 1], JSON.stringify(views));
    const sessions = db.all<{ ip: string }>("SELECT ip FROM admin_sessions");
    assert.deepEqual(sessions.map((row) => row.ip), [ADMIN]);
  } finally {
    db.close();
    await Deno.remove(dir, { recursive: true });
  }
}
