// Without ECHELON_USERNAME/ECHELON_PASSWORD_HASH the first start generates a password for user
// "admin", stores only its hash and logs it once; later starts say one exists and how to replace
// it. In process (low iteration count) and through the real server binary.
import assert from "node:assert/strict";
import { ensureGeneratedPassword, GENERATED_USERNAME } from "../lib/auth/credentials.ts";
import { parsePasswordHash } from "../lib/auth/password.ts";
import { instanceSetting } from "../lib/db/settings.ts";
import type { Logger } from "../lib/log.ts";
import { createTestApp, type TestApp } from "./_helpers.ts";
import { AUTH_ENV, loginCookie } from "./_auth.ts";
import { spawnServer } from "./_process.ts";

function recordingLog(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const record = (message: string) => void lines.push(message);
  return { lines, info: record, warn: record, error: record, debug: record };
}

async function generate(t: TestApp) {
  const log = recordingLog();
  const password = await ensureGeneratedPassword({ ...t.services, log }, { iterations: 1000 });
  return { password, log: log.lines.join("\n") };
}

Deno.test("generated password: logged once, only its hash stored, and it signs in as admin", async () => {
  const dir = await Deno.makeTempDir();
  const env = { ECHELON_DB_PATH: `${dir}/gen.db` };
  const first = await createTestApp(env);
  const { password, log } = await generate(first);
  assert.ok(password && password.length >= 24, "a long random password");
  assert.ok(log.includes(password), "printed to the log");
  assert.match(log, /as "admin"/);

  const stored = instanceSetting(first.services.db, "admin_password_hash");
  assert.ok(stored);
  assert.equal(parsePasswordHash(stored).iterations, 1000);
  const everything = JSON.stringify(first.services.db.all("SELECT * FROM instance_settings"));
  assert.ok(!everything.includes(password), "the password itself is not stored");

  const cookie = await loginCookie(first, { username: GENERATED_USERNAME, password });
  const admin = await first.request("/admin", { headers: { cookie } });
  assert.equal(admin.status, 200);
  await admin.body?.cancel();
  const wrong = await first.request("/admin/login", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ username: GENERATED_USERNAME, password: "guess" }),
  });
  assert.equal(wrong.status, 401);
  await wrong.body?.cancel();
  first.services.db.close();

  const second = await createTestApp(env);
  const again = await generate(second);
  assert.equal(again.password, null, "no new password on a later start");
  assert.ok(!again.log.includes(password), "the password is not printed again");
  assert.match(again.log, /generated at first start/);
  assert.match(again.log, /ECHELON_USERNAME and ECHELON_PASSWORD_HASH/);
  assert.equal(instanceSetting(second.services.db, "admin_password_hash"), stored);
  assert.equal(await (await second.request("/admin", { headers: { cookie } })).status, 200);
  second.services.db.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("generated password: env credentials take precedence and nothing is generated", async () => {
  const t = await createTestApp(AUTH_ENV);
  const { password, log } = await generate(t);
  assert.equal(password, null);
  assert.equal(log, "");
  assert.equal(instanceSetting(t.services.db, "admin_password_hash"), undefined);
});

Deno.test("generated password: a corrupted stored hash refuses to start, saying how to recover", async () => {
  const t = await createTestApp();
  t.services.db.run(
    "INSERT INTO instance_settings (key, value) VALUES ('admin_password_hash', 'garbage')",
  );
  await assert.rejects(generate(t), /admin_password_hash" is malformed; delete it/);
});

Deno.test({
  name: "generated password: the real server prints it at first start, and only then",
  async fn() {
    const dir = await Deno.makeTempDir();
    const env = { ECHELON_DB_PATH: `${dir}/server.db` };
    const first = await spawnServer(env);
    let password: string | undefined;
    try {
      password = first.log().match(/as "admin" with password: (\S+)/)?.[1];
      assert.ok(password, first.log());
      const login = await fetch(`${first.baseUrl}/admin/login`, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ username: "admin", password }),
      });
      await login.body?.cancel();
      assert.equal(login.status, 303);
      assert.match(login.headers.get("set-cookie") ?? "", /^echelon_session=/);
    } finally {
      assert.equal((await first.stop()).code, 0);
    }
    const second = await spawnServer(env);
    try {
      assert.match(second.log(), /generated at first start/);
      assert.ok(!second.log().includes(password), "not printed again");
    } finally {
      await second.stop();
    }
    await Deno.remove(dir, { recursive: true });
  },
});
