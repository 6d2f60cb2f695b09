// The stats fixture (tests/_stats_fixture.ts) served with its sites registered and rolled up, and a
// JSON request helper: what the API tests of saved objects (segments, goals) start from.
import { refreshRollups } from "../lib/stats/mod.ts";
import { registerSite } from "./_admin.ts";
import { createTestApp, type TestApp } from "./_helpers.ts";
import { AUTH, insertFixture, SECRET, SITE } from "./_stats_fixture.ts";

export async function fixtureApp(env: Record<string, string> = {}): Promise<TestApp> {
  const t = await createTestApp({ ECHELON_SECRET: SECRET, ...env });
  insertFixture(t);
  registerSite(t, SITE, "Shop");
  registerSite(t, "other");
  await refreshRollups(t.services);
  return t;
}

// deno-lint-ignore no-explicit-any
export type Answer = { status: number; body: any };

/** A JSON request (the secret's bearer unless `headers` say otherwise) and its parsed answer. */
export async function send(
  t: TestApp,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = AUTH,
): Promise<Answer> {
  const res = await t.request(path, {
    method,
    headers: { ...headers, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}
