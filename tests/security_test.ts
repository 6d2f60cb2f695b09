// Security checks over the whole route table (enumerated by tests/fuzz/_routes.ts from the router,
// never hand-picked): anonymous access refused, CSRF refused, public mode refuses every write and
// changes nothing, admin pages carry a strict CSP and no inline script, session cookie flags and
// the login rate limit. Oversize bodies on every route: tests/body_limits_test.ts.
import assert from "node:assert/strict";
import { AUTH_ENV, loginCookie, TEST_PASSWORD, TEST_USERNAME } from "./_auth.ts";
import {
  createTestApp,
  tableRowCounts,
  TEST_ORIGIN,
  TEST_SECRET,
  type TestApp,
} from "./_helpers.ts";
import { listRoutes, pathOf, type RouteInfo, UNSAFE_METHODS } from "./fuzz/_routes.ts";
import { PUBLIC_PATHS } from "../routes/api/_middleware.ts";
import { READ_ONLY_POSTS } from "../lib/api/operations/query.ts";
import { LOGIN_FAILURE_LIMIT } from "../lib/auth/login_limit.ts";

const SECRET = TEST_SECRET;
const BEARER = `Bearer ${SECRET}`;
const LOGIN_PATH = "/admin/login";

const routes = await listRoutes();
const isAdmin = (r: RouteInfo) => r.pattern === "/admin" || r.pattern.startsWith("/admin/");
const isApi = (r: RouteInfo) => r.pattern.startsWith("/api/");
/** Routes that must refuse anonymous callers: admin pages but login, API but the public paths. */
const PROTECTED = routes.filter((r) =>
  (isAdmin(r) && r.pattern !== LOGIN_PATH) || (isApi(r) && !PUBLIC_PATHS.has(r.pattern))
);
const fill = (name: string) => (name === "visitor_id" ? "v-0000" : "1");

async function drain(res: Response): Promise<string> {
  return await res.text();
}

Deno.test("security: the enumeration finds the admin and API routes", () => {
  assert.ok(PROTECTED.filter(isAdmin).length >= 15, PROTECTED.map((r) => r.pattern).join(" "));
  assert.ok(PROTECTED.filter(isApi).length >= 30);
  for (const path of PUBLIC_PATHS) assert.ok(routes.some((r) => r.pattern === path), path);
});

Deno.test("security: every admin page and API route refuses anonymous access, every method", async () => {
  const t = await createTestApp({ ...AUTH_ENV, ECHELON_SECRET: SECRET });
  for (const route of PROTECTED) {
    for (const method of route.methods) {
      if (method === "OPTIONS") continue;
      const path = pathOf(route, fill);
      const res = await t.request(path, {
        method,
        headers: { origin: TEST_ORIGIN, "content-type": "application/json" },
        body: method === "GET" || method === "HEAD" ? undefined : "{}",
      });
      const body = await drain(res);
      const where = `${method} ${path}`;
      if (isAdmin(route)) {
        assert.equal(res.status, 303, where);
        assert.match(res.headers.get("location") ?? "", /^\/admin\/login/, where);
      } else {
        assert.equal(res.status, 401, where);
        if (method !== "HEAD") assert.equal(JSON.parse(body).error, "unauthorized", where);
      }
    }
  }
});

Deno.test("security: cookie-authenticated writes with a foreign Origin are refused (csrf)", async () => {
  const t = await createTestApp({ ...AUTH_ENV, ECHELON_SECRET: SECRET });
  const cookie = await loginCookie(t);
  const before = tableRowCounts(t);
  let checked = 0;
  for (const route of PROTECTED) {
    for (const method of route.methods.filter((m) => UNSAFE_METHODS.includes(m))) {
      const path = pathOf(route, fill);
      const res = await t.request(path, {
        method,
        headers: { cookie, origin: "https://evil.example", "content-type": "application/json" },
        body: "{}",
      });
      const body = await drain(res);
      assert.equal(res.status, 403, `${method} ${path}`);
      assert.equal(JSON.parse(body).error, "csrf", `${method} ${path}`);
      checked++;
    }
  }
  assert.ok(checked >= 20, `only ${checked} unsafe handlers found`);
  assert.deepEqual(tableRowCounts(t), before);
});

Deno.test("security: public mode refuses every write with 403 read_only and changes nothing", async () => {
  const t = await createTestApp({
    ...AUTH_ENV,
    ECHELON_SECRET: SECRET,
    ECHELON_PUBLIC_MODE: "true",
  });
  const before = tableRowCounts(t);
  // A POST that only reads (the query API) is a read: tests/query_api_test.ts covers it.
  const writable = routes.filter((r) =>
    (isAdmin(r) || isApi(r)) && !PUBLIC_PATHS.has(r.pattern) && !READ_ONLY_POSTS.has(r.pattern)
  );
  let checked = 0;
  for (const route of writable) {
    for (const method of route.methods.filter((m) => UNSAFE_METHODS.includes(m))) {
      const path = pathOf(route, fill);
      for (
        const headers of [{ authorization: BEARER }, { origin: TEST_ORIGIN }] as Record<
          string,
          string
        >[]
      ) {
        const res = await t.request(path, {
          method,
          headers: { ...headers, "content-type": "application/json" },
          body: JSON.stringify({ site_id: "x", name: "x" }),
        });
        const body = await drain(res);
        assert.equal(res.status, 403, `${method} ${path}`);
        assert.equal(JSON.parse(body).error, "read_only", `${method} ${path}`);
        checked++;
      }
    }
  }
  assert.ok(checked >= 40);
  assert.deepEqual(tableRowCounts(t), before);
});

Deno.test("security: admin pages have a strict CSP, no inline script body and no on* attribute", async () => {
  const t = await createTestApp({ ...AUTH_ENV, ECHELON_SECRET: SECRET });
  const cookie = await loginCookie(t);
  const ids = await seedFixtures(t);
  const pages = routes.filter((r) => isAdmin(r) && r.methods.includes("GET"));
  let rendered = 0;
  for (const route of pages) {
    for (const id of route.paramNames.length ? ids : [""]) {
      const path = pathOf(route, () => id);
      const res = await t.request(path, { headers: { cookie } });
      const html = await drain(res);
      assert.ok(res.status < 500, `${path}: ${res.status}`);
      if (!(res.headers.get("content-type") ?? "").includes("text/html")) continue;
      if (res.status === 200) rendered++;
      const csp = res.headers.get("content-security-policy") ?? "";
      const scriptSrc = csp.split(";").map((d) => d.trim()).find((d) => d.startsWith("script-src"));
      assert.ok(scriptSrc, `${path}: CSP without script-src: ${csp}`);
      assert.ok(!scriptSrc.includes("'unsafe-inline'"), `${path}: ${scriptSrc}`);
      for (const match of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
        const isData = /type=["']?application\/(ld\+)?json/i.test(match[1]);
        assert.ok(
          isData || match[2].trim() === "",
          `${path}: inline script ${match[0].slice(0, 120)}`,
        );
      }
      const handlerAttr = html.match(/<[a-z][^>]*\son[a-z]+\s*=/i);
      assert.equal(handlerAttr, null, `${path}: ${handlerAttr?.[0].slice(0, 120)}`);
    }
  }
  assert.ok(rendered >= pages.filter((r) => !r.paramNames.length).length, `${rendered} pages`);
});

Deno.test("security: session cookie flags (HttpOnly, SameSite, Path; Secure only over https)", async () => {
  const t = await createTestApp(AUTH_ENV);
  for (const origin of [TEST_ORIGIN, "https://echelon.test"]) {
    const res = await t.request(`${origin}${LOGIN_PATH}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin },
      body: new URLSearchParams({ username: TEST_USERNAME, password: TEST_PASSWORD }),
    });
    await drain(res);
    assert.equal(res.status, 303);
    const cookie = res.headers.get("set-cookie") ?? "";
    const attrs = cookie.split(";").map((a) => a.trim().toLowerCase());
    assert.ok(attrs[0].startsWith("echelon_session="), cookie);
    assert.ok(attrs.includes("httponly"), cookie);
    assert.ok(attrs.some((a) => /^samesite=(lax|strict)$/.test(a)), cookie);
    assert.ok(attrs.some((a) => a.startsWith("path=/")), cookie);
    assert.equal(attrs.includes("secure"), origin.startsWith("https:"), cookie);
  }
});

Deno.test("security: the sixth failed login in a row is refused with 429", async () => {
  const t = await createTestApp(AUTH_ENV);
  const attempt = async () => {
    const res = await t.request(LOGIN_PATH, {
      method: "POST",
      ip: "198.51.100.9",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: TEST_ORIGIN },
      body: new URLSearchParams({ username: TEST_USERNAME, password: "wrong" }),
    });
    await drain(res);
    return res.status;
  };
  for (let i = 0; i < LOGIN_FAILURE_LIMIT; i++) {
    assert.notEqual(await attempt(), 429, `try ${i + 1}`);
  }
  assert.equal(await attempt(), 429);
});

/** A site, a campaign, an experiment and a visitor, and the ids pages with [id] may be given. */
async function seedFixtures(t: TestApp): Promise<string[]> {
  const post = async (path: string, body: unknown) => {
    const res = await t.request(path, {
      method: "POST",
      headers: { authorization: BEARER, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return await res.json().catch(() => ({}));
  };
  const ids = new Set(["shop", "1", "nope"]);
  await post("/api/sites", { site_id: "shop", name: "Shop" });
  const campaign = await post("/api/campaigns", {
    name: "Spring",
    utm_campaign: "spring",
    site_id: "shop",
  });
  const experiment = await post("/api/experiments", {
    experiment_id: "exp1",
    name: "Exp",
    metric_event_name: "signup",
    variants: [{ variant_id: "a", weight: 50 }, { variant_id: "b", weight: 50 }],
  });
  for (const value of [campaign?.id, campaign?.campaign?.id, experiment?.experiment_id, "exp1"]) {
    if (typeof value === "string" || typeof value === "number") ids.add(String(value));
  }
  return [...ids];
}
