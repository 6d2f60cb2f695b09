// The API contract (issue 15 item 7): GET /api/openapi.json is a valid OpenAPI 3.1 document (a
// real validator from npm), lists exactly the routes the router serves under /api/ plus the
// collection endpoints (enumerated from the route files: a new route fails here until it is
// declared), is readable by anyone, public mode included, with nothing of the instance in it; and
// the schemas that validate requests refuse bad input with a 400 naming the field, the code the
// document announces, and nothing stored.
import assert from "node:assert/strict";
import { Validator } from "@seriousme/openapi-schema-validator";
import { API_OPERATIONS } from "../lib/api/mod.ts";
import { openApiPath } from "../lib/api/openapi.ts";
import { AUTH_ENV } from "./_auth.ts";
import { createTestApp, tableRowCounts, TEST_SECRET, type TestApp } from "./_helpers.ts";
import { listRoutes } from "./fuzz/_routes.ts";

const BEARER = { authorization: `Bearer ${TEST_SECRET}` };
const COLLECTION_PATHS = new Set(["/b.gif", "/e", "/c", "/x"]);
/** Methods the router adds by itself: HEAD follows GET, OPTIONS is CORS (lib/cors.ts). */
const IMPLIED = new Set(["HEAD", "OPTIONS"]);

type Document = {
  openapi: string;
  info: { version: string };
  paths: Record<string, Record<string, { parameters?: Parameter[] }>>;
};
type Parameter = {
  name: string;
  in: string;
  required: boolean;
  schema: { pattern?: string; enum?: string[]; maxLength?: number };
  "x-error-code"?: string;
};

async function fetchDocument(app: TestApp, headers: HeadersInit = {}) {
  const res = await app.request("/api/openapi.json", { headers });
  const text = await res.text();
  return { res, text, doc: JSON.parse(text) as Document };
}

Deno.test("openapi: the document is a valid OpenAPI 3.1 document, served to anonymous callers", async () => {
  const app = await createTestApp({ ...AUTH_ENV, ECHELON_SECRET: TEST_SECRET });
  const { res, doc } = await fetchDocument(app);
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
  assert.equal(doc.openapi, "3.1.0");
  assert.equal(doc.info.version, app.services.config.version);
  const result = await new Validator().validate(doc);
  assert.deepEqual(result, { valid: true }, JSON.stringify(result.errors, null, 1));
});

Deno.test("openapi: every /api/ route and collection endpoint is in the document, and nothing else", async () => {
  const served = (await listRoutes())
    .filter((r) => r.pattern.startsWith("/api/") || COLLECTION_PATHS.has(r.pattern))
    .flatMap((r) =>
      r.methods.filter((m) => !IMPLIED.has(m)).map((m) => `${m} ${openApiPath(r.pattern)}`)
    )
    .sort();
  const app = await createTestApp();
  const { doc } = await fetchDocument(app);
  const documented = Object.entries(doc.paths)
    .flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`))
    .sort();
  assert.ok(served.length >= 50, `${served.length} operations served`);
  assert.deepEqual(
    documented,
    served,
    `missing from the document: ${served.filter((s) => !documented.includes(s)).join(", ")}; ` +
      `documented but not served: ${documented.filter((d) => !served.includes(d)).join(", ")}`,
  );
});

Deno.test("openapi: public mode serves the same document, with nothing of the instance in it", async () => {
  const secret = [...crypto.getRandomValues(new Uint8Array(32))]
    .map((b) => b.toString(16).padStart(2, "0")).join("");
  const pub = await createTestApp({ ECHELON_PUBLIC_MODE: "true", ECHELON_SECRET: secret });
  const site = await pub.request("/api/sites", {
    method: "POST",
    headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
    body: JSON.stringify({ site_id: "private-shop-7731", name: "Secret Shop Name" }),
  });
  assert.equal(site.status, 403, "public mode refuses writes even with the secret");
  pub.services.db.run(
    "INSERT INTO sites (site_id, name, source) VALUES (?, ?, 'admin')",
    "private-shop-7731",
    "Secret Shop Name",
  );
  const anonymous = await fetchDocument(pub);
  assert.equal(anonymous.res.status, 200);
  for (const value of [secret, "private-shop-7731", "Secret Shop Name", "echelon.test"]) {
    assert.ok(!anonymous.text.includes(value), `the document shows ${value}`);
  }
  // Nothing instance-specific: a private instance with another secret serves the same bytes.
  const priv = await createTestApp({ ...AUTH_ENV, ECHELON_SECRET: TEST_SECRET });
  assert.equal((await fetchDocument(priv, BEARER)).text, anonymous.text);
  // Reading it is all it allows.
  const post = await pub.request("/api/openapi.json", { method: "POST" });
  assert.deepEqual([post.status, (await post.json()).error], [405, "method_not_allowed"]);
});

/** The `x-error-code` the document gives a parameter of an operation. */
function documentedCode(doc: Document, path: string, method: string, name: string) {
  return doc.paths[path][method].parameters?.find((p) => p.name === name)?.["x-error-code"];
}

Deno.test("openapi: the schemas refuse bad input with 400 naming the field, and store nothing", async (t) => {
  const app = await createTestApp({ ...AUTH_ENV, ECHELON_SECRET: TEST_SECRET });
  const { doc } = await fetchDocument(app);
  const send = async (method: string, path: string, body?: unknown) => {
    const before = tableRowCounts(app);
    const res = await app.request(path, {
      method,
      headers: { ...BEARER, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const answer = { status: res.status, body: await res.json() };
    assert.deepEqual(tableRowCounts(app), before, `${method} ${path} changed the database`);
    return answer;
  };

  await t.step("query parameters", async () => {
    const days = await send("GET", "/api/bots/report?days=abc");
    assert.deepEqual(days, {
      status: 400,
      body: { error: "invalid_param", message: 'days: "abc" is not an integer' },
    });
    const site = await send("GET", "/api/bots/crawlers?site_id=no%20spaces");
    assert.equal(site.status, 400);
    assert.equal(site.body.message, 'site_id: "no spaces" is not a site id');
    assert.equal(site.body.error, documentedCode(doc, "/api/bots/crawlers", "get", "site_id"));
    assert.equal(site.body.error, "invalid_site_id");
    const created = await app.request("/api/sites", {
      method: "POST",
      headers: { ...BEARER, "content-type": "application/json" },
      body: JSON.stringify({ site_id: "shop" }),
    });
    assert.equal(created.status, 201);
    await created.body?.cancel();
    const purge = await send("DELETE", "/api/sites/shop?purge_data=yes");
    assert.deepEqual(purge.body, {
      error: "invalid_param",
      message: "purge_data: expected true or false",
    });
    const statuses = await send("GET", "/api/experiments?status=draft,bogus&limit=501");
    assert.deepEqual(statuses.body, {
      error: "invalid_param",
      message: 'status: "bogus" is not one of draft, active, paused, completed, archived ' +
        'limit: "501" must be 1 to 500',
    });
    assert.deepEqual((await send("GET", "/api/stats/overview?days=731")).body, {
      error: "missing_param",
      message: "site_id is required",
    });
    assert.deepEqual((await send("GET", "/api/stats/overview?site_id=a&days=731")).body, {
      error: "invalid_param",
      message: 'days: "731" must be 1-730',
    });
    const row = await send("GET", "/api/bots/score-detail?view_id=0");
    assert.deepEqual(row.body, { error: "invalid_param", message: 'view_id: "0" is not a row id' });
  });

  await t.step("path parameters", async () => {
    const key = await send("DELETE", "/api/keys/abc");
    assert.deepEqual(key, {
      status: 400,
      body: { error: "invalid_id", message: 'id: "abc" is not a key id' },
    });
    const visitor = await send("GET", `/api/bots/visitor/${"v".repeat(129)}`);
    assert.equal(visitor.status, 400);
    assert.equal(visitor.body.error, "invalid_visitor_id");
    assert.match(visitor.body.message, /^visitor_id: "v{40}…" must be 1-128 characters$/);
  });

  await t.step("JSON bodies", async () => {
    assert.deepEqual(await send("POST", "/api/bots/exclude", [1]), {
      status: 400,
      body: { error: "invalid_payload", message: "Expected a JSON object {visitor_id, label?}" },
    });
    const label = await send("POST", "/api/bots/exclude", { visitor_id: "v1", label: 7 });
    assert.deepEqual(label.body, {
      error: "invalid_payload",
      message: "label: must be a string of at most 256 characters",
    });
    const both = await send("POST", "/api/keys", { name: " \u0001 ", scope: "admin" });
    assert.deepEqual(both.body, {
      error: "invalid_payload",
      message: 'name: a name is required scope: "admin" must be "read" or "write"',
    });
    const debug = await send("POST", "/api/debug", { enabled: "yes" });
    assert.deepEqual(debug, {
      status: 400,
      body: { error: "invalid_body", message: 'Expected {"enabled": true} or {"enabled": false}' },
    });
  });

  await t.step("good input still passes and is stored", async () => {
    const res = await app.request("/api/bots/exclude", {
      method: "POST",
      headers: { ...BEARER, "content-type": "application/json" },
      body: JSON.stringify({ visitor_id: "v-good", label: "scraper" }),
    });
    assert.deepEqual({ status: res.status, body: await res.json() }, {
      status: 201,
      body: { excluded: "v-good" },
    });
    const rows = app.services.db.all<{ visitor_id: string; label: string }>(
      "SELECT visitor_id, label FROM excluded_visitors",
    );
    assert.deepEqual(rows.map((r) => ({ ...r })), [{ visitor_id: "v-good", label: "scraper" }]);
  });
});

/** A value the parameter's documented schema refuses, or null when it documents no constraint. */
function refusedValue(schema: Parameter["schema"]): string | null {
  if (schema.enum || schema.pattern) return "not valid!";
  if (schema.maxLength !== undefined) return "x".repeat(schema.maxLength + 1);
  return null;
}

Deno.test("openapi: every constraint the document gives a GET parameter, the server enforces with a 400 naming it", async () => {
  const app = await createTestApp({ ...AUTH_ENV, ECHELON_SECRET: TEST_SECRET });
  const { doc } = await fetchDocument(app);
  const valid: Record<string, string> = { site_id: "default", id: "spring", s: "default" };
  const campaign = await app.request("/api/campaigns", {
    method: "POST",
    headers: { ...BEARER, "content-type": "application/json" },
    body: JSON.stringify({ utm_campaign: "spring", id: "spring" }),
  });
  assert.equal(campaign.status, 201, "a campaign to read");
  await campaign.body?.cancel();
  let checked = 0;
  const failures: string[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    const parameters = item.get?.parameters ?? [];
    for (const parameter of parameters) {
      const bad = refusedValue(parameter.schema);
      if (bad === null) continue;
      const fill = (p: Parameter) => (p === parameter ? bad : valid[p.name] ?? "1");
      const url = new URL(
        path.replace(/\{(\w+)\}/g, (_, name) => {
          const p = parameters.find((q) => q.name === name)!;
          return encodeURIComponent(fill(p));
        }),
        "http://echelon.test",
      );
      for (const p of parameters) {
        if (p.in === "query" && (p.required || p === parameter)) {
          url.searchParams.set(p.name, fill(p));
        }
      }
      const res = await app.request(url.pathname + url.search, { headers: BEARER });
      const body = await res.json();
      const what = `GET ${url.pathname}${url.search}`;
      const code = parameter["x-error-code"];
      if (
        res.status !== 400 || !body.message.includes(parameter.name) ||
        (code && body.error !== code)
      ) {
        failures.push(`${what}: ${res.status} ${JSON.stringify(body)}`);
      }
      checked++;
    }
  }
  assert.deepEqual(failures, []);
  assert.ok(checked >= 40, `${checked} constraints checked`);
});

/** Answers that need a stored experiment or view, which this fixture does not make. */
const NEEDS_ROWS = new Set(["/api/experiments/:id", "/api/bots/score-detail"]);

Deno.test("openapi: every GET answer with a documented JSON schema fits it", async () => {
  const app = await createTestApp({ ...AUTH_ENV, ECHELON_SECRET: TEST_SECRET });
  const post = async (path: string, body: unknown) => {
    const res = await app.request(path, {
      method: "POST",
      headers: { ...BEARER, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    assert.ok(res.status < 300, `${path}: ${res.status} ${text}`);
  };
  await post("/api/sites", { site_id: "shop", name: "Shop" });
  await post("/api/campaigns", { utm_campaign: "spring", id: "spring", site_id: "shop" });
  await post("/api/bots/exclude", { visitor_id: "v-1", label: "scraper" });
  await post("/api/segments", {
    site_id: "shop",
    name: "Finland",
    filters: [["is", "visit:country", ["FI"]]],
  });
  await post("/api/goals", { site_id: "shop", name: "Thanks", kind: "page", page: "/thanks" });
  await post("/api/funnels", {
    site_id: "shop",
    name: "Thanks",
    steps: [{ page: "/" }, { page: "/thanks" }],
  });
  const values: Record<string, string> = {
    site_id: "shop",
    id: "spring",
    visitor_id: "v-1",
    s: "shop",
  };
  let checked = 0;
  const misfits: string[] = [];
  for (const operation of API_OPERATIONS) {
    const schema = operation.responses[200]?.schema;
    if (operation.method !== "GET" || !schema || operation.responses[200].content !== "json") {
      continue;
    }
    if (NEEDS_ROWS.has(operation.path)) continue;
    const path = operation.path.replace(
      /:(\w+)/g,
      (_, name: string) =>
        operation.path.startsWith("/api/sites/")
          ? "shop"
          : /^\/api\/(segments|goals|funnels)\//.test(operation.path)
          ? "1"
          : values[name],
    );
    const url = new URL(path, "http://echelon.test");
    for (const [name, field] of Object.entries(operation.query?.shape ?? {})) {
      if (!(field as { _zod: { optin?: string } })._zod.optin) {
        url.searchParams.set(name, values[name]);
      }
    }
    const res = await app.request(url.pathname + url.search, { headers: BEARER });
    const body = await res.json();
    if (res.status !== 200) {
      misfits.push(`${url.pathname}${url.search}: ${res.status} ${JSON.stringify(body)}`);
      continue;
    }
    const fit = schema.safeParse(body);
    if (!fit.success) misfits.push(`${url.pathname}: ${fit.error.message.slice(0, 400)}`);
    checked++;
  }
  assert.deepEqual(misfits, []);
  assert.ok(checked >= 25, `${checked} answers checked`);
});

/** A valid body per write operation with a documented JSON body, to spoil one field at a time. */
const VALID_BODIES: Record<string, unknown> = {
  "POST /api/sites": { site_id: "blog", name: "Blog" },
  "PATCH /api/sites/{id}": { name: "Shop", send_form_values: false, consent_css: "" },
  "POST /api/campaigns": { utm_campaign: "autumn", name: "Autumn", site_id: "shop" },
  "PATCH /api/campaigns/{id}": { name: "Spring", status: "paused" },
  "POST /api/keys": { name: "CI", scope: "read" },
  "POST /api/segments": {
    site_id: "shop",
    name: "Blog",
    filters: [["contains", "event:page", ["/blog"]]],
  },
  "POST /api/annotations": { site_id: "shop", date: "2026-11-20", text: "Deployed v2" },
  "POST /api/bots/exclude": { visitor_id: "v-2", label: "x" },
  "POST /api/debug": { enabled: true },
  "POST /api/experiments": {
    experiment_id: "hero",
    name: "Hero",
    site_id: "shop",
    metric: "signup",
    variants: [{ variant_id: "a", is_control: true }, { variant_id: "b" }],
  },
};

type BodyProperty = {
  type?: string | string[];
  enum?: unknown[];
  pattern?: string;
  maxLength?: number;
  anyOf?: BodyProperty[];
};
type BodySchema = { properties?: Record<string, BodyProperty> };

Deno.test("openapi: every constraint the document gives a body field, the server enforces with a 400 naming it", async () => {
  const app = await createTestApp({ ...AUTH_ENV, ECHELON_SECRET: TEST_SECRET });
  const write = async (method: string, path: string, body: unknown) => {
    const res = await app.request(path, {
      method,
      headers: { ...BEARER, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  };
  assert.equal((await write("POST", "/api/sites", { site_id: "shop" })).status, 201);
  const spring = { utm_campaign: "spring", id: "spring", site_id: "shop" };
  assert.equal((await write("POST", "/api/campaigns", spring)).status, 201);
  const { doc } = await fetchDocument(app);
  const failures: string[] = [];
  let checked = 0;
  for (const [key, valid] of Object.entries(VALID_BODIES)) {
    const [method, template] = key.split(" ");
    const path = template.replace("{id}", template.includes("sites") ? "shop" : "spring");
    const operation = doc.paths[template][method.toLowerCase()] as {
      requestBody: { content: Record<string, { schema: BodySchema }> };
    };
    const schema = operation.requestBody.content["application/json"].schema;
    for (const [field, declared] of Object.entries(schema.properties ?? {})) {
      // A field that may also be null (nullish) documents its constraints on the other variant.
      const property = declared.anyOf?.find((variant) => variant.type !== "null") ?? declared;
      const types = [property.type ?? []].flat();
      const bad = property.enum || property.pattern
        ? "not valid!"
        : property.maxLength !== undefined
        ? "x".repeat(property.maxLength + 1)
        : types.includes("boolean")
        ? "yes"
        : null;
      if (bad === null) continue;
      const before = tableRowCounts(app);
      const answer = await write(method, path, { ...valid as object, [field]: bad });
      const what = `${method} ${path} ${field}=${bad.slice(0, 12)}`;
      // The site settings' messages name fields as the Settings form labels them ("Site id").
      const named = answer.body.message.toLowerCase().replaceAll(" ", "_").includes(field);
      if (answer.status !== 400 || !named) {
        failures.push(`${what}: ${answer.status} ${JSON.stringify(answer.body)}`);
      }
      assert.deepEqual(tableRowCounts(app), before, `${what} changed the database`);
      checked++;
    }
  }
  assert.deepEqual(failures, []);
  assert.ok(checked >= 15, `${checked} constraints checked`);
});
