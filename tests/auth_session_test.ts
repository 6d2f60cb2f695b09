// Admin sessions: anonymous pages redirect to the login, 30 min idle and 24 h absolute expiry on
// the frozen clock, last_seen_at written at most once a minute, survival across a restart,
// several devices, logout of one device only (CSRF-checked), the purge job, and a password
// change ending every session.
import assert from "node:assert/strict";
import {
  MAX_SESSIONS_PER_USER,
  purgeExpiredSessions,
  SESSION_IDLE_MS,
  SESSION_TTL_MS,
} from "../lib/auth/sessions.ts";
import { hashPassword } from "../lib/auth/password.ts";
import { createTestApp, TEST_ORIGIN, type TestApp } from "./_helpers.ts";
import { AUTH_ENV, loginCookie, TEST_PASSWORD } from "./_auth.ts";

const MINUTE = 60_000;

async function adminStatus(t: TestApp, cookie?: string): Promise<number> {
  const res = await t.request("/admin", { headers: cookie ? { cookie } : {} });
  await res.body?.cancel();
  return res.status;
}

function sessionCount(t: TestApp): number {
  return t.services.db.get<{ n: number }>("SELECT COUNT(*) AS n FROM admin_sessions")!.n;
}

function lastSeen(t: TestApp): number[] {
  return t.services.db.all<{ last_seen_at: number }>(
    "SELECT last_seen_at FROM admin_sessions ORDER BY created_at",
  ).map((row) => row.last_seen_at);
}

function logout(t: TestApp, cookie: string, origin: string | null = TEST_ORIGIN) {
  return t.request("/admin/logout", {
    method: "POST",
    headers: origin ? { cookie, origin } : { cookie },
  });
}

Deno.test("session: anonymous admin pages redirect (303) to the login page", async () => {
  const t = await createTestApp(AUTH_ENV);
  for (const path of ["/admin", "/admin/", "/admin/visitors?page=2", "/admin/no-such-page"]) {
    const res = await t.request(path);
    assert.equal(res.status, 303, path);
    assert.match(res.headers.get("location") ?? "", /^\/admin\/login(\?next=|$)/, path);
    await res.body?.cancel();
  }
  const garbage = await t.request("/admin", { headers: { cookie: "echelon_session=forged" } });
  assert.equal(garbage.status, 303);
  assert.match(garbage.headers.get("set-cookie") ?? "", /^echelon_session=; Max-Age=0/);
  const post = await t.request("/admin/logout", {
    method: "POST",
    headers: { origin: TEST_ORIGIN },
  });
  assert.equal(post.status, 303, "writes without a session go to the login too");
  assert.equal(post.headers.get("location"), "/admin/login");
});

Deno.test("session: 30 min without use ends it; use keeps it alive, touching at most once a minute", async () => {
  const t = await createTestApp(AUTH_ENV);
  const cookie = await loginCookie(t);
  const start = t.clock.now;
  assert.deepEqual(lastSeen(t), [start]);

  t.clock.now += 30_000;
  assert.equal(await adminStatus(t, cookie), 200);
  assert.deepEqual(lastSeen(t), [start], "no write within the first minute");
  t.clock.now = start + MINUTE;
  assert.equal(await adminStatus(t, cookie), 200);
  assert.deepEqual(lastSeen(t), [start + MINUTE], "touched after a minute");

  // Active every 29 minutes for 2 hours: never idle long enough to end.
  for (let i = 0; i < 4; i++) {
    t.clock.now += 29 * MINUTE;
    assert.equal(await adminStatus(t, cookie), 200, `visit ${i}`);
  }
  t.clock.now += SESSION_IDLE_MS;
  assert.equal(await adminStatus(t, cookie), 303, "idle for 30 minutes");
  assert.equal(sessionCount(t), 0, "the ended session's row is gone");
});

Deno.test("session: live-panel polls use the session without keeping it alive", async () => {
  const t = await createTestApp(AUTH_ENV);
  const cookie = await loginCookie(t);
  const start = t.clock.now;
  const poll = async () => {
    const res = await t.request("/api/stats/realtime?site_id=default", {
      headers: { cookie, "x-echelon-background": "1" },
    });
    await res.body?.cancel();
    return res.status;
  };
  // A panel polling every 10 s for 29 minutes: authorised, but last_seen_at never moves.
  for (let at = 10_000; at < 29 * MINUTE; at += 10_000) {
    t.clock.now = start + at;
    assert.equal(await poll(), 200, `poll at ${at} ms`);
  }
  assert.deepEqual(lastSeen(t), [start]);
  t.clock.now = start + SESSION_IDLE_MS;
  assert.equal(await poll(), 401, "30 minutes after the last real use");
  assert.equal(await adminStatus(t, cookie), 303);
});

Deno.test("session: 24 h after sign-in it ends however active it is", async () => {
  const t = await createTestApp(AUTH_ENV);
  const cookie = await loginCookie(t);
  const start = t.clock.now;
  while (t.clock.now + 20 * MINUTE < start + SESSION_TTL_MS) {
    t.clock.now += 20 * MINUTE;
    assert.equal(await adminStatus(t, cookie), 200);
  }
  t.clock.now = start + SESSION_TTL_MS - 1;
  assert.equal(await adminStatus(t, cookie), 200);
  t.clock.now = start + SESSION_TTL_MS;
  assert.equal(await adminStatus(t, cookie), 303);
  assert.equal(sessionCount(t), 0);
});

Deno.test("session: survives a restart over the same database file", async () => {
  const dir = await Deno.makeTempDir();
  const env = { ...AUTH_ENV, ECHELON_DB_PATH: `${dir}/sessions.db` };
  const first = await createTestApp(env);
  const cookie = await loginCookie(first);
  first.services.db.close();

  const second = await createTestApp(env);
  assert.equal(await adminStatus(second, cookie), 200, "the new process knows the session");
  const res = await second.request("/api/bots/excluded", { headers: { cookie } });
  assert.equal(res.status, 200);
  await res.body?.cancel();
  second.services.db.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("session: several devices at once; logout ends only its own", async () => {
  const t = await createTestApp(AUTH_ENV);
  const laptop = await loginCookie(t, { ip: "198.51.100.1" });
  const phone = await loginCookie(t, { ip: "198.51.100.2" });
  assert.notEqual(laptop, phone);
  assert.equal(sessionCount(t), 2);
  assert.equal(await adminStatus(t, laptop), 200);
  assert.equal(await adminStatus(t, phone), 200, "a new login keeps the other device signed in");

  const res = await logout(t, laptop);
  assert.equal(res.status, 303);
  assert.equal(res.headers.get("location"), "/admin/login");
  assert.match(
    res.headers.get("set-cookie") ?? "",
    /^echelon_session=; Max-Age=0; Path=\/; HttpOnly/,
  );
  assert.equal(sessionCount(t), 1);
  assert.equal(await adminStatus(t, laptop), 303, "the old cookie no longer works");
  assert.equal(await adminStatus(t, phone), 200);
});

Deno.test("session: logout is POST only and refuses a cross-site post (CSRF)", async () => {
  const t = await createTestApp(AUTH_ENV);
  const cookie = await loginCookie(t);
  const get = await t.request("/admin/logout", { headers: { cookie } });
  assert.equal(get.status, 405);
  await get.body?.cancel();

  for (const origin of ["https://evil.example", "null", null]) {
    const res = await logout(t, cookie, origin);
    assert.equal(res.status, 403, `origin ${origin}`);
    assert.equal((await res.json()).error, "csrf");
  }
  const viaReferer = await t.request("/admin/logout", {
    method: "POST",
    headers: { cookie, referer: `${TEST_ORIGIN}/admin/settings` },
  });
  assert.equal(viaReferer.status, 303, "a same-origin Referer stands in for a missing Origin");
  assert.equal(sessionCount(t), 0);
});

Deno.test("session: the purge job deletes idle and expired rows and keeps live ones", async () => {
  const t = await createTestApp(AUTH_ENV);
  await loginCookie(t, { ip: "198.51.100.1" });
  t.clock.now += 20 * MINUTE;
  const fresh = await loginCookie(t, { ip: "198.51.100.2" });
  t.clock.now += 15 * MINUTE; // the first is idle 35 min, the second 15 min
  const job = t.services.jobs.find((j) => j.name === "admin-session-purge");
  assert.ok(job, "registered with the services' jobs");
  await job.run();
  assert.equal(sessionCount(t), 1);
  assert.equal(await adminStatus(t, fresh), 200);

  t.clock.now += SESSION_TTL_MS;
  assert.equal(await purgeExpiredSessions(t.services), 1);
  assert.equal(sessionCount(t), 0);
});

Deno.test("session: changing the password or username ends existing sessions", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/rotate.db`;
  const first = await createTestApp({ ...AUTH_ENV, ECHELON_DB_PATH: path });
  const cookie = await loginCookie(first);
  first.services.db.close();

  // The same password hashed again (new salt) counts as a change: the old sessions end.
  const rotated = await createTestApp({
    ...AUTH_ENV,
    ECHELON_PASSWORD_HASH: await hashPassword(TEST_PASSWORD, { iterations: 1000 }),
    ECHELON_DB_PATH: path,
  });
  assert.equal(await adminStatus(rotated, cookie), 303, "a new hash ends the session");
  rotated.services.db.close();

  const renamed = await createTestApp({
    ...AUTH_ENV,
    ECHELON_USERNAME: "ops",
    ECHELON_DB_PATH: path,
  });
  const opsCookie = await loginCookie(renamed, { username: "ops" });
  renamed.services.db.close();
  const back = await createTestApp({ ...AUTH_ENV, ECHELON_DB_PATH: path });
  assert.equal(await adminStatus(back, opsCookie), 303, "a session of another username ends");
  back.services.db.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("session: at most MAX_SESSIONS_PER_USER devices; the least recently used go first", async () => {
  const t = await createTestApp(AUTH_ENV);
  const oldest = await loginCookie(t);
  const cookies: string[] = [];
  for (let i = 0; i < MAX_SESSIONS_PER_USER; i++) {
    t.clock.now += 1000;
    cookies.push(await loginCookie(t));
  }
  assert.equal(sessionCount(t), MAX_SESSIONS_PER_USER);
  assert.equal(await adminStatus(t, oldest), 303);
  assert.equal(await adminStatus(t, cookies[0]), 200);
});
