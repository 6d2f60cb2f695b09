// Scoped API keys: created, listed and revoked through the API (session or ECHELON_SECRET) and
// the Settings page; only a hash on disk; a read key reads and is refused every write; a write key
// writes without CSRF; a revoked or unknown key is 401; no key can manage keys; last_used_at is
// written at most once a minute; public mode neither shows nor manages keys.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { KEY_TOUCH_INTERVAL_MS } from "../lib/auth/api_keys.ts";
import { adminApp, adminHtml, adminPost, postForms } from "./_admin.ts";
import { AUTH_ENV, loginCookie } from "./_auth.ts";
import { createTestApp, TEST_ORIGIN, TEST_SECRET, type TestApp } from "./_helpers.ts";

const SECRET = TEST_SECRET;
const ENV = { ...AUTH_ENV, ECHELON_SECRET: SECRET };
const KEY_PATTERN = /^ek_([rw])_[A-Za-z0-9_-]{43}$/;

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

interface KeyRow {
  id: number;
  name: string;
  prefix: string;
  secret_hash: string;
  scope: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

function keyRows(t: TestApp): KeyRow[] {
  return t.services.db.all<KeyRow>("SELECT * FROM api_keys ORDER BY id");
}

async function json(res: Response) {
  return { status: res.status, body: await res.json() };
}

/** Creates a key through the API with ECHELON_SECRET; returns its text and id. */
async function mintKey(t: TestApp, scope: "read" | "write", name = `${scope} key`) {
  const res = await t.request("/api/keys", {
    method: "POST",
    headers: { ...bearer(SECRET), "content-type": "application/json" },
    body: JSON.stringify({ name, scope }),
  });
  const { status, body } = await json(res);
  assert.equal(status, 201, JSON.stringify(body));
  return { key: body.key as string, id: body.created as number };
}

function addSite(t: TestApp, siteId: string, headers: Record<string, string>) {
  return t.request("/api/sites", {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    body: JSON.stringify({ site_id: siteId }),
  });
}

function siteIds(t: TestApp): string[] {
  return t.services.db.all<{ site_id: string }>("SELECT site_id FROM sites ORDER BY site_id")
    .map((row) => row.site_id);
}

Deno.test("api keys: created with a session or ECHELON_SECRET, listed without the key", async () => {
  const t = await createTestApp(ENV);
  const cookie = await loginCookie(t);
  const res = await t.request("/api/keys", {
    method: "POST",
    headers: { cookie, origin: TEST_ORIGIN, "content-type": "application/json" },
    body: JSON.stringify({ name: "  Claude\u0007 Desktop ", scope: "read" }),
  });
  const created = await json(res);
  assert.equal(created.status, 201);
  assert.equal(res.headers.get("cache-control"), "no-store");
  assert.match(created.body.key, KEY_PATTERN);
  assert.equal(created.body.key.slice(0, 5), "ek_r_");
  assert.deepEqual(created.body.api_key, {
    id: created.body.created,
    name: "Claude Desktop",
    prefix: created.body.key.slice(0, 11),
    scope: "read",
    created_at: "2026-11-20T12:00:00.000Z",
    last_used_at: null,
    revoked_at: null,
  });
  const write = await mintKey(t, "write", "CI");
  assert.equal(write.key.slice(0, 5), "ek_w_");

  const list = await json(await t.request("/api/keys", { headers: bearer(SECRET) }));
  assert.equal(list.status, 200);
  assert.deepEqual(list.body.map((k: { name: string; scope: string }) => [k.name, k.scope]), [
    ["CI", "write"],
    ["Claude Desktop", "read"],
  ]);
  const listed = JSON.stringify(list.body);
  assert.ok(!listed.includes(created.body.key) && !listed.includes(write.key));
  assert.ok(!listed.includes("secret_hash"));
  const viaSession = await t.request("/api/keys", { headers: { cookie } });
  assert.equal(viaSession.status, 200);
  await viaSession.body?.cancel();

  // Validation names the field; CSRF still applies to a session's writes.
  const bad = await json(
    await t.request("/api/keys", {
      method: "POST",
      headers: { ...bearer(SECRET), "content-type": "application/json" },
      body: JSON.stringify({ name: "x".repeat(65), scope: "admin" }),
    }),
  );
  assert.equal(bad.status, 400);
  assert.match(bad.body.message, /name: 65 characters/);
  assert.match(bad.body.message, /scope: "admin" must be "read" or "write"/);
  const forged = await t.request("/api/keys", {
    method: "POST",
    headers: { cookie, origin: "https://evil.example", "content-type": "application/json" },
    body: JSON.stringify({ name: "forged", scope: "write" }),
  });
  assert.equal(forged.status, 403);
  await forged.body?.cancel();
  assert.equal(keyRows(t).length, 2);
});

Deno.test("api keys: only the SHA-256 is stored — the key text is nowhere in the database files", async () => {
  const dir = await Deno.makeTempDir();
  const t = await createTestApp({ ...ENV, ECHELON_DB_PATH: `${dir}/echelon.db` });
  try {
    const { key } = await mintKey(t, "read");
    const [row] = keyRows(t);
    assert.equal(row.secret_hash, createHash("sha256").update(key).digest("hex"));
    assert.equal(row.prefix, key.slice(0, 11));
    const secretPart = key.slice(5);
    let bytes = "";
    for (const name of ["echelon.db", "echelon.db-wal"]) {
      try {
        bytes += new TextDecoder("latin1").decode(await Deno.readFile(`${dir}/${name}`));
      } catch (error) {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
      }
    }
    assert.ok(bytes.includes(row.secret_hash), "the hash was written (the check can see rows)");
    assert.ok(!bytes.includes(key), "the key itself is not on disk");
    assert.ok(!bytes.includes(secretPart.slice(6)), "nor its secret part beyond the prefix");
  } finally {
    t.services.db.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("api keys: a read key reads; every write is 403 insufficient_scope", async () => {
  const t = await createTestApp(ENV);
  const { key } = await mintKey(t, "read");
  for (const path of ["/api/stats/overview?site_id=shop", "/api/sites", "/api/campaigns"]) {
    const res = await t.request(path, { headers: bearer(key) });
    assert.equal(res.status, 200, path);
    await res.body?.cancel();
  }
  const head = await t.request("/api/sites", { method: "HEAD", headers: bearer(key) });
  assert.equal(head.status, 200);

  const refused = await addSite(t, "blog", bearer(key));
  assert.equal(refused.status, 403);
  assert.match(refused.headers.get("www-authenticate") ?? "", /error="insufficient_scope"/);
  const body = await refused.json();
  assert.equal(body.error, "insufficient_scope");
  assert.match(body.message, /read-only: POST needs a write key/);
  for (const [method, path] of [["PATCH", "/api/sites/shop"], ["DELETE", "/api/campaigns/x"]]) {
    const res = await t.request(path, {
      method,
      headers: { ...bearer(key), "content-type": "application/json" },
      body: method === "PATCH" ? "{}" : undefined,
    });
    assert.equal((await json(res)).body.error, "insufficient_scope", `${method} ${path}`);
  }
  assert.deepEqual(siteIds(t), [], "nothing was written");
});

Deno.test("api keys: a write key writes, with no Origin check (a header cannot be forged)", async () => {
  const t = await createTestApp(ENV);
  const { key } = await mintKey(t, "write");
  assert.equal((await addSite(t, "blog", bearer(key))).status, 201);
  const foreign = await addSite(t, "docs", { ...bearer(key), origin: "https://evil.example" });
  assert.equal(foreign.status, 201);
  assert.deepEqual(siteIds(t), ["blog", "docs"]);
});

Deno.test("api keys: revoked, unknown and malformed keys are 401 invalid_api_key", async () => {
  const t = await createTestApp(ENV);
  const { key, id } = await mintKey(t, "write");
  const revoke = await json(
    await t.request(`/api/keys/${id}`, { method: "DELETE", headers: bearer(SECRET) }),
  );
  assert.deepEqual(revoke, { status: 200, body: { revoked: id } });
  assert.equal(keyRows(t)[0].revoked_at, t.clock.now);
  const again = await t.request(`/api/keys/${id}`, { method: "DELETE", headers: bearer(SECRET) });
  assert.equal(again.status, 409);
  await again.body?.cancel();
  const missing = await t.request("/api/keys/999", { method: "DELETE", headers: bearer(SECRET) });
  assert.equal(missing.status, 404);
  await missing.body?.cancel();

  const unknown = `ek_r_${"A".repeat(43)}`;
  const cases: [string, RegExp][] = [
    [key, /revoked/],
    [unknown, /Unknown or malformed/],
    ["ek_r_short", /Unknown or malformed/],
    [`ek_x_${"A".repeat(43)}`, /Unknown or malformed/],
  ];
  for (const [token, message] of cases) {
    const res = await t.request("/api/sites", { headers: bearer(token) });
    assert.equal(res.status, 401, token);
    assert.match(res.headers.get("www-authenticate") ?? "", /error="invalid_token"/);
    const body = await res.json();
    assert.equal(body.error, "invalid_api_key");
    assert.match(body.message, message);
  }
  assert.equal((await addSite(t, "blog", bearer(key))).status, 401);
  assert.deepEqual(siteIds(t), []);
});

Deno.test("api keys: no key can list, create or revoke keys, whatever its scope", async () => {
  const t = await createTestApp(ENV);
  const read = await mintKey(t, "read");
  const write = await mintKey(t, "write");
  for (const { key } of [read, write]) {
    const requests: [string, string, string | undefined][] = [
      ["GET", "/api/keys", undefined],
      ["POST", "/api/keys", JSON.stringify({ name: "escalated", scope: "write" })],
      ["DELETE", `/api/keys/${read.id}`, undefined],
    ];
    for (const [method, path, body] of requests) {
      const res = await t.request(path, {
        method,
        headers: { ...bearer(key), "content-type": "application/json" },
        body,
      });
      const answer = await json(res);
      assert.equal(answer.status, 403, `${method} ${path}`);
      assert.equal(answer.body.error, "insufficient_scope");
      assert.match(answer.body.message, /API keys cannot manage API keys/);
    }
  }
  // Spellings of the same path are refused too, and an encoded one routes nowhere.
  const escalate = JSON.stringify({ name: "escalated", scope: "write" });
  for (const path of ["/api/keys/", "/api/x/../keys", "/api/%6Beys"]) {
    const res = await t.request(path, {
      method: "POST",
      headers: { ...bearer(write.key), "content-type": "application/json" },
      body: escalate,
    });
    assert.notEqual(res.status, 201, path);
    assert.ok(res.status === 403 || res.status === 404, `${path}: ${res.status}`);
    await res.body?.cancel();
  }
  const rows = keyRows(t);
  assert.equal(rows.length, 2, "no key was minted");
  assert.ok(rows.every((row) => row.revoked_at === null), "none was revoked");
});

Deno.test("api keys: last_used_at is written on first use, then at most once a minute", async () => {
  const t = await createTestApp(ENV);
  const { key } = await mintKey(t, "read");
  const use = async () => {
    const res = await t.request("/api/sites", { headers: bearer(key) });
    assert.equal(res.status, 200);
    await res.body?.cancel();
    return keyRows(t)[0].last_used_at;
  };
  assert.equal(keyRows(t)[0].last_used_at, null);
  const first = t.clock.now;
  assert.equal(await use(), first);
  t.clock.now += KEY_TOUCH_INTERVAL_MS - 1;
  assert.equal(await use(), first, "not rewritten within the minute");
  t.clock.now += 1;
  assert.equal(await use(), first + KEY_TOUCH_INTERVAL_MS, "rewritten after a minute");
  const listed = await json(await t.request("/api/keys", { headers: bearer(SECRET) }));
  assert.equal(listed.body[0].last_used_at, new Date(first + KEY_TOUCH_INTERVAL_MS).toISOString());
});

Deno.test("api keys: Settings lists, creates (shown once) and revokes keys with plain forms", async () => {
  const t = await adminApp();
  let page = await adminHtml(t, "/admin/settings");
  assert.equal(page.status, 200);
  assert.match(page.html, /id="api-keys"/);
  assert.match(page.html, /No API keys yet/);
  assert.ok(postForms(page.html).some((form) => form.includes('action="/admin/settings/keys"')));

  const created = await adminPost(t, "/admin/settings/keys", { name: "Claude", scope: "read" });
  assert.equal(created.status, 201);
  assert.equal(created.headers.get("cache-control"), "no-store");
  const html = await created.text();
  const key = html.match(/id="new-api-key"[^>]*value="([^"]+)"/)?.[1] ??
    html.match(/value="(ek_[^"]+)"[^>]*id="new-api-key"/)?.[1];
  assert.ok(key && KEY_PATTERN.test(key), "the new key is shown");
  const [row] = keyRows(t);
  assert.deepEqual([row.name, row.scope], ["Claude", "read"]);
  assert.equal(row.secret_hash, createHash("sha256").update(key).digest("hex"));

  page = await adminHtml(t, "/admin/settings");
  assert.ok(!page.html.includes(key), "never shown again");
  assert.match(page.html, new RegExp(`data-key-id="${row.id}"`));
  assert.ok(page.html.includes(`${row.prefix}…`), "the prefix identifies it");
  const used = await t.request("/api/sites", { headers: bearer(key) });
  assert.equal(used.status, 200, "the key shown works");
  await used.body?.cancel();

  const invalid = await adminPost(t, "/admin/settings/keys", { name: " ", scope: "root" });
  assert.equal(invalid.status, 400);
  const invalidHtml = await invalid.text();
  assert.match(invalidHtml, /name: a name is required/);
  assert.match(invalidHtml, /scope: &quot;root&quot; must be/);
  assert.equal(keyRows(t).length, 1);

  const revoked = await adminPost(t, `/admin/settings/keys/${row.id}/revoke`, {});
  assert.equal(revoked.status, 303);
  assert.equal(revoked.headers.get("location"), "/admin/settings?notice=key_revoked");
  assert.equal(keyRows(t)[0].revoked_at, t.clock.now);
  const refused = await t.request("/api/sites", { headers: bearer(key) });
  assert.equal(refused.status, 401);
  await refused.body?.cancel();
  page = await adminHtml(t, "/admin/settings?notice=key_revoked");
  assert.match(page.html, /API key revoked/);
  assert.ok(
    !postForms(page.html).some((form) => form.includes(`/keys/${row.id}/revoke`)),
    "a revoked key has no revoke button",
  );
  const unknown = await adminPost(t, "/admin/settings/keys/999/revoke", {});
  assert.equal(unknown.status, 404);
  await unknown.body?.cancel();
});

Deno.test("api keys: public mode shows no keys card and refuses key management", async () => {
  const t = await adminApp({ ECHELON_PUBLIC_MODE: "true", ECHELON_SECRET: SECRET });
  // Settings are not a public page at all (lib/public/policy.ts).
  const page = await adminHtml(t, "/admin/settings");
  assert.equal(page.status, 403);
  assert.ok(!page.html.includes('id="api-keys"'));
  assert.ok(!page.html.includes("/admin/settings/keys"));
  const list = await json(await t.request("/api/keys", { headers: bearer(SECRET) }));
  assert.deepEqual(list, {
    status: 403,
    body: { error: "redacted", message: "Not available in public mode" },
  });
  const create = await t.request("/api/keys", {
    method: "POST",
    headers: { ...bearer(SECRET), "content-type": "application/json" },
    body: JSON.stringify({ name: "x", scope: "read" }),
  });
  assert.equal((await json(create)).body.error, "read_only");
  const form = await adminPost(t, "/admin/settings/keys", { name: "x", scope: "read" });
  assert.equal(form.status, 403);
  await form.body?.cancel();
  assert.equal(keyRows(t).length, 0);
});
