// The change-password form of /admin/settings: the current password is checked, the new one must
// be strong and typed twice, it is stored as `deno task admin reset-password` stores it, the next
// sign-in uses it, other sessions end while this one stays; CSRF is checked as on every admin form,
// and public mode and env-pinned credentials refuse it.
import assert from "node:assert/strict";
import { ensureGeneratedPassword, GENERATED_USERNAME } from "../lib/auth/credentials.ts";
import { instanceSetting } from "../lib/db/settings.ts";
import type { Logger } from "../lib/log.ts";
import { AUTH_ENV, loginCookie } from "./_auth.ts";
import { createTestApp, TEST_ORIGIN, type TestApp } from "./_helpers.ts";

const quiet: Logger = { info() {}, warn() {}, error() {}, debug() {} };
const NEW_PASSWORD = "Granite-Otter-47-Lantern";

async function generatedApp(): Promise<{ app: TestApp; password: string }> {
  const app = await createTestApp({});
  const password = await ensureGeneratedPassword({ ...app.services, log: quiet }, {
    iterations: 1000,
  });
  assert.ok(password);
  return { app, password };
}

/** The form's fields: the current password, the new one, and its repetition (default: the same). */
function fields(current: string, next: string, repeat = next): Record<string, string> {
  return { current_password: current, new_password: next, repeat_password: repeat };
}

function change(
  app: TestApp,
  cookie: string,
  form: Record<string, string>,
  origin = TEST_ORIGIN,
): Promise<Response> {
  return app.request("/admin/settings/password", {
    method: "POST",
    headers: {
      cookie,
      origin,
      accept: "text/html",
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams(form),
  });
}

async function status(app: TestApp, cookie: string): Promise<number> {
  const res = await app.request("/admin/settings", { headers: { cookie, accept: "text/html" } });
  await res.body?.cancel();
  return res.status;
}

async function signIn(app: TestApp, password: string): Promise<number> {
  const res = await app.request("/admin/login", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ username: GENERATED_USERNAME, password }),
  });
  await res.body?.cancel();
  return res.status;
}

Deno.test("change password: stored, next sign-in uses it, other sessions end, this one stays", async () => {
  const { app, password } = await generatedApp();
  const mine = await loginCookie(app, { username: GENERATED_USERNAME, password });
  const other = await loginCookie(app, { username: GENERATED_USERNAME, password });
  const page = await app.request("/admin/settings", { headers: { cookie: mine } });
  const html = await page.text();
  assert.match(html, /id="password-form"/);
  assert.match(html, /name="current_password"/);

  const res = await change(app, mine, fields(password, NEW_PASSWORD));
  assert.equal(res.status, 303);
  assert.equal(res.headers.get("location"), "/admin/settings?notice=password_changed");
  await res.body?.cancel();

  assert.equal(await status(app, mine), 200, "this session stays signed in");
  assert.equal(await status(app, other), 303, "the other session is signed out");
  assert.equal(await signIn(app, password), 401);
  assert.equal(await signIn(app, NEW_PASSWORD), 303);
  const stored = instanceSetting(app.services.db, "admin_password_hash") ?? "";
  assert.match(stored, /^pbkdf2\$600000\$/);
  assert.ok(!stored.includes(NEW_PASSWORD));
});

Deno.test("change password: wrong current, mismatch, weak, cross-site: refused, nothing changed", async () => {
  const { app, password } = await generatedApp();
  const cookie = await loginCookie(app, { username: GENERATED_USERNAME, password });
  const before = instanceSetting(app.services.db, "admin_password_hash");
  const cases: [Record<string, string>, number, RegExp][] = [
    [
      fields("not-it", NEW_PASSWORD),
      403,
      /The current password is wrong; nothing was changed/,
    ],
    [
      fields(password, NEW_PASSWORD, "other"),
      400,
      /The new passwords differ/,
    ],
    [
      fields(password, "aaaaaaaaaaaaaaa"),
      400,
      /too weak: too few distinct characters/,
    ],
  ];
  for (const [form, code, message] of cases) {
    const res = await change(app, cookie, form);
    assert.equal(res.status, code, JSON.stringify(form));
    assert.match(await res.text(), message);
  }
  const foreign = await change(app, cookie, fields(password, NEW_PASSWORD), "https://evil.example");
  assert.equal(foreign.status, 403);
  assert.match(await foreign.text(), /csrf/);
  assert.equal(instanceSetting(app.services.db, "admin_password_hash"), before);
  assert.equal(await status(app, cookie), 200);
  assert.equal(await signIn(app, password), 303);
});

Deno.test("change password: env-pinned credentials explain instead; public mode refuses", async () => {
  const pinned = await createTestApp({ ...AUTH_ENV });
  const cookie = await loginCookie(pinned);
  const html = await (await pinned.request("/admin/settings", { headers: { cookie } })).text();
  assert.match(html, /id="password-pinned"/);
  assert.doesNotMatch(html, /id="password-form"/);
  const res = await change(pinned, cookie, fields("test-password", NEW_PASSWORD));
  assert.equal(res.status, 409);
  await res.body?.cancel();
  assert.equal(instanceSetting(pinned.services.db, "admin_password_hash"), undefined);

  const open = await createTestApp({ ECHELON_PUBLIC_MODE: "true" });
  const publicPage = await (await open.request("/admin/settings")).text();
  assert.doesNotMatch(publicPage, /password-form/);
  const refused = await change(open, "", fields("x", NEW_PASSWORD));
  assert.equal(refused.status, 403);
  await refused.body?.cancel();
  assert.equal(instanceSetting(open.services.db, "admin_password_hash"), undefined);
});
