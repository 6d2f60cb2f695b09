// The login form: success stores a hashed session and sets a correct cookie; failures are generic
// and store nothing; redirects return to the requested admin page but never leave the site;
// 5 failures per IP per 15 min, then 429, without locking out other IPs; login CSRF.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { LOGIN_FAILURE_WINDOW_MS } from "../lib/auth/login_limit.ts";
import { safeNextPath } from "../lib/auth/redirect.ts";
import { createTestApp, TEST_ORIGIN, type TestApp } from "./_helpers.ts";
import { AUTH_ENV, loginCookie, TEST_PASSWORD, TEST_USERNAME } from "./_auth.ts";

interface LoginInit {
  username?: string;
  password?: string;
  next?: string;
  ip?: string;
  url?: string;
  headers?: Record<string, string>;
}

function postLogin(t: TestApp, init: LoginInit = {}): Promise<Response> {
  const fields: Record<string, string> = {
    username: init.username ?? TEST_USERNAME,
    password: init.password ?? TEST_PASSWORD,
  };
  if (init.next !== undefined) fields.next = init.next;
  return t.request(init.url ?? "/admin/login", {
    method: "POST",
    ip: init.ip,
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      origin: TEST_ORIGIN,
      "user-agent": "Mozilla/5.0 test browser",
      ...init.headers,
    },
    body: new URLSearchParams(fields),
  });
}

function sessionRows(t: TestApp) {
  return t.services.db.all<{ token_hash: string; username: string; ip: string }>(
    "SELECT token_hash, username, ip FROM admin_sessions ORDER BY created_at",
  );
}

function cookieAttributes(setCookie: string | null): Map<string, string> {
  const parts = (setCookie ?? "").split(";").map((part) => part.trim());
  return new Map(
    parts.slice(1).map((part) => {
      const [name, value = ""] = part.split("=");
      return [name.toLowerCase(), value];
    }),
  );
}

Deno.test("login: GET renders the form with no inline script and the next path", async () => {
  const t = await createTestApp(AUTH_ENV);
  const res = await t.request("/admin/login?next=%2Fadmin%2Fbots%3Fdays%3D7");
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-security-policy") ?? "", /script-src 'self'/);
  const html = await res.text();
  assert.match(html, /<form method="post" action="\/admin\/login"/);
  assert.match(html, /<input type="hidden" name="next" value="\/admin\/bots\?days=7"/);
  assert.match(html, /autocomplete="current-password"/);
  assert.doesNotMatch(html, /<script>(?!<\/script>)/, "no inline script bodies");
  assert.doesNotMatch(html, /login-error/);
});

Deno.test("login: success stores only a token hash and sets an HttpOnly, Lax, Path=/ cookie", async () => {
  const t = await createTestApp(AUTH_ENV);
  const res = await postLogin(t, { ip: "198.51.100.5" });
  assert.equal(res.status, 303);
  assert.equal(res.headers.get("location"), "/admin");
  const setCookie = res.headers.get("set-cookie");
  const token = setCookie?.match(/^echelon_session=([A-Za-z0-9_-]{43});/)?.[1];
  assert.ok(token, `a 32-byte base64url token: ${setCookie}`);
  const attributes = cookieAttributes(setCookie);
  assert.equal(attributes.get("path"), "/");
  assert.ok(attributes.has("httponly"));
  assert.equal(attributes.get("samesite"), "Lax");
  assert.equal(attributes.get("max-age"), "86400");
  assert.equal(attributes.has("secure"), false, "plain-HTTP login works (no Secure)");

  const rows = sessionRows(t);
  assert.equal(rows.length, 1);
  assert.equal(rows[0].token_hash, createHash("sha256").update(token).digest("hex"));
  assert.equal(rows[0].username, TEST_USERNAME);
  assert.equal(rows[0].ip, "198.51.100.5");
  const stored = JSON.stringify(t.services.db.all("SELECT * FROM admin_sessions"));
  assert.ok(!stored.includes(token), "the raw token is not stored");

  const admin = await t.request("/admin", { headers: { cookie: `echelon_session=${token}` } });
  assert.equal(admin.status, 200);
  assert.equal(admin.headers.get("cache-control"), "private, no-store");
  await admin.body?.cancel();
});

Deno.test("login: wrong password and unknown user get the same 401 answer and store nothing", async () => {
  const t = await createTestApp(AUTH_ENV);
  const bodies: string[] = [];
  for (const init of [{ password: "wrong" }, { username: "root" }, { username: "ADMIN" }]) {
    const res = await postLogin(t, init);
    assert.equal(res.status, 401, JSON.stringify(init));
    assert.equal(res.headers.get("set-cookie"), null);
    const html = await res.text();
    assert.match(html, /Invalid username or password\./);
    bodies.push(html.replace(/value="[^"]*" autocomplete="username"/, ""));
  }
  assert.equal(new Set(bodies).size, 1, "the answer does not reveal whether the user exists");
  assert.equal(sessionRows(t).length, 0);
});

Deno.test("login: returns to the requested admin page; foreign or odd targets fall back to /admin", async () => {
  const t = await createTestApp(AUTH_ENV);
  const anonymous = await t.request("/admin/settings?site_id=a&days=7");
  assert.equal(anonymous.status, 303);
  const location = anonymous.headers.get("location") ?? "";
  assert.equal(location, "/admin/login?next=%2Fadmin%2Fsettings%3Fsite_id%3Da%26days%3D7");
  const next = new URL(location, TEST_ORIGIN).searchParams.get("next") ?? "";
  const res = await postLogin(t, { next });
  assert.equal(res.status, 303);
  assert.equal(res.headers.get("location"), "/admin/settings?site_id=a&days=7");

  for (
    const hostile of [
      "https://evil.example/admin",
      "//evil.example/admin",
      "/\\evil.example/admin",
      "\\\\evil.example",
      "/admin/../../evil",
      "/api/bots/exclude",
      "javascript:alert(1)",
      "/admin\n/x",
      "/administrator",
      "/admin/logout",
      "",
    ]
  ) {
    const res = await postLogin(t, { next: hostile });
    assert.equal(res.status, 303, hostile);
    assert.equal(res.headers.get("location"), "/admin", `refused: ${JSON.stringify(hostile)}`);
  }
  assert.equal(safeNextPath("/admin/visitors/abc?page=2"), "/admin/visitors/abc?page=2");
  assert.equal(safeNextPath("/admin/"), "/admin/");
});

Deno.test("login: a signed-in browser skips the form; GET keeps its own next param safe", async () => {
  const t = await createTestApp(AUTH_ENV);
  const cookie = await loginCookie(t);
  const res = await t.request("/admin/login?next=%2Fadmin%2Fbots", { headers: { cookie } });
  assert.equal(res.status, 303);
  assert.equal(res.headers.get("location"), "/admin/bots");
  const evil = await t.request("/admin/login?next=https%3A%2F%2Fevil.example", {
    headers: { cookie },
  });
  assert.equal(evil.headers.get("location"), "/admin");
});

Deno.test("login: the 6th failure from one IP gets 429 with Retry-After; other IPs still sign in", async () => {
  const t = await createTestApp(AUTH_ENV);
  const attacker = "192.0.2.66";
  for (let i = 1; i <= 5; i++) {
    const res = await postLogin(t, { ip: attacker, password: `guess-${i}` });
    assert.equal(res.status, 401, `failure ${i}`);
    await res.body?.cancel();
  }
  const blocked = await postLogin(t, { ip: attacker, password: "guess-6" });
  assert.equal(blocked.status, 429);
  assert.equal(blocked.headers.get("retry-after"), String(LOGIN_FAILURE_WINDOW_MS / 1000));
  assert.match(await blocked.text(), /Too many failed attempts[\s\S]*15 minutes/);

  const rightButBlocked = await postLogin(t, { ip: attacker });
  assert.equal(rightButBlocked.status, 429, "the right password does not bypass the limit");
  await rightButBlocked.body?.cancel();
  assert.equal(sessionRows(t).length, 0);

  const otherIp = await postLogin(t, { ip: "198.51.100.77" });
  assert.equal(otherIp.status, 303, "another address is not locked out");
  assert.equal(sessionRows(t).length, 1);

  t.clock.now += 5 * 60_000;
  const later = await postLogin(t, { ip: attacker, password: "guess-7" });
  assert.equal(later.status, 429);
  assert.equal(later.headers.get("retry-after"), String(10 * 60), "a fixed window from the first");
  await later.body?.cancel();

  t.clock.now += 10 * 60_000;
  const afterWindow = await postLogin(t, { ip: attacker });
  assert.equal(afterWindow.status, 303, "the window ended");
});

Deno.test("login: a success forgets the IP's earlier failures; parallel guesses cannot exceed 5", async () => {
  const t = await createTestApp(AUTH_ENV);
  const ip = "192.0.2.10";
  for (let i = 0; i < 4; i++) await (await postLogin(t, { ip, password: "typo" })).body?.cancel();
  assert.equal((await postLogin(t, { ip })).status, 303);
  for (let i = 0; i < 5; i++) {
    const res = await postLogin(t, { ip, password: "typo" });
    assert.equal(res.status, 401, "the counter restarted after the success");
    await res.body?.cancel();
  }

  const other = await createTestApp(AUTH_ENV);
  const statuses = await Promise.all(
    Array.from(
      { length: 8 },
      (_, i) =>
        postLogin(other, { ip: "192.0.2.11", password: `parallel-${i}` }).then(async (res) => {
          await res.body?.cancel();
          return res.status;
        }),
    ),
  );
  assert.equal(statuses.filter((s) => s === 401).length, 5);
  assert.equal(statuses.filter((s) => s === 429).length, 3);
});

Deno.test("login: the limit keys on the forwarded client IP only behind a trusted proxy", async () => {
  const direct = await createTestApp(AUTH_ENV);
  for (let i = 0; i < 5; i++) {
    await (await postLogin(direct, {
      ip: "10.0.0.1",
      password: "x",
      headers: { "x-forwarded-for": `203.0.113.${i}` },
    })).body?.cancel();
  }
  const spoofed = await postLogin(direct, {
    ip: "10.0.0.1",
    password: "x",
    headers: { "x-forwarded-for": "203.0.113.99" },
  });
  assert.equal(spoofed.status, 429, "a forged header does not reset the limit");
  await spoofed.body?.cancel();

  const proxied = await createTestApp({ ...AUTH_ENV, ECHELON_TRUST_PROXY: "true" });
  for (let i = 0; i < 6; i++) {
    await (await postLogin(proxied, {
      ip: "10.0.0.1",
      password: "x",
      headers: { "x-forwarded-for": "203.0.113.1" },
    })).body?.cancel();
  }
  const neighbour = await postLogin(proxied, {
    ip: "10.0.0.1",
    headers: { "x-forwarded-for": "203.0.113.2" },
  });
  assert.equal(neighbour.status, 303, "one client behind the proxy does not block the others");
});

Deno.test("login: cookie Secure follows HTTPS, a trusted x-forwarded-proto, or ECHELON_COOKIE_SECURE", async () => {
  const secureFlag = async (env: Record<string, string>, init: LoginInit) => {
    const t = await createTestApp({ ...AUTH_ENV, ...env });
    const res = await postLogin(t, init);
    assert.equal(res.status, 303, JSON.stringify({ env, init }));
    return cookieAttributes(res.headers.get("set-cookie")).has("secure");
  };
  const httpsUrl = "https://echelon.test/admin/login";
  const httpsOrigin = { origin: "https://echelon.test" };
  const forwarded = { "x-forwarded-proto": "https" };
  assert.equal(await secureFlag({}, {}), false, "plain HTTP");
  assert.equal(await secureFlag({}, { url: httpsUrl, headers: httpsOrigin }), true, "HTTPS");
  assert.equal(
    await secureFlag({ ECHELON_TRUST_PROXY: "true" }, { headers: forwarded, ip: "10.0.0.1" }),
    true,
    "HTTPS at a trusted proxy",
  );
  assert.equal(
    await secureFlag({ ECHELON_TRUST_PROXY: "true" }, { headers: forwarded }),
    false,
    "the header from a peer that is not a trusted proxy is ignored",
  );
  assert.equal(await secureFlag({}, { headers: forwarded }), false, "untrusted header ignored");
  assert.equal(await secureFlag({ ECHELON_COOKIE_SECURE: "true" }, {}), true, "forced on");
  assert.equal(
    await secureFlag({ ECHELON_COOKIE_SECURE: "false" }, { url: httpsUrl, headers: httpsOrigin }),
    false,
    "forced off",
  );
});

Deno.test("login: a cross-site form post is refused (login CSRF); scripts without Origin may sign in", async () => {
  const t = await createTestApp(AUTH_ENV);
  const foreign = await postLogin(t, { headers: { origin: "https://evil.example" } });
  assert.equal(foreign.status, 403);
  assert.equal((await foreign.json()).error, "csrf");
  const foreignReferer = await postLogin(t, {
    headers: { origin: "", referer: "https://evil.example/page" },
  });
  assert.equal(foreignReferer.status, 403);
  await foreignReferer.body?.cancel();
  assert.equal(sessionRows(t).length, 0);

  const res = await t.request("/admin/login", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ username: TEST_USERNAME, password: TEST_PASSWORD }),
  });
  assert.equal(res.status, 303);
  assert.equal(sessionRows(t).length, 1);
});

Deno.test("login: unreadable bodies are answered 4xx with the form, never 500", async () => {
  const t = await createTestApp(AUTH_ENV);
  const json = await t.request("/admin/login", {
    method: "POST",
    headers: { "content-type": "application/json", origin: TEST_ORIGIN },
    body: JSON.stringify({ username: TEST_USERNAME, password: TEST_PASSWORD }),
  });
  assert.equal(json.status, 415);
  assert.match(await json.text(), /The form could not be read/);
  const huge = await t.request("/admin/login", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: TEST_ORIGIN },
    body: `username=admin&password=${"x".repeat(20_000)}`,
  });
  assert.equal(huge.status, 413);
  await huge.body?.cancel();
  const multipart = new FormData();
  multipart.set("username", TEST_USERNAME);
  multipart.set("password", TEST_PASSWORD);
  const ok = await t.request("/admin/login", {
    method: "POST",
    headers: { origin: TEST_ORIGIN },
    body: multipart,
  });
  assert.equal(ok.status, 303, "multipart forms work too");
});

Deno.test("login: without any configured or generated account the form says so (503)", async () => {
  const t = await createTestApp();
  const res = await postLogin(t);
  assert.equal(res.status, 503);
  assert.match(await res.text(), /No admin account is configured/);
});
