// The API contract's other half (issue 15 item 7): the schemas the OpenAPI document is generated
// from are the ones that read the requests. Every declared input (path parameter, query parameter,
// body field) of every /api/* operation must be read through its schema by lib/api/validate.ts
// (which records what it reads) when its route is called; a route that parses an input by hand
// while the document only describes it fails here. The tracker's pipeline endpoints (/b.gif, /e,
// /c) keep their own parsers on the hot path; tests/openapi_test.ts checks their documented
// constraints against the server instead.
import assert from "node:assert/strict";
import type { z } from "zod";
import { API_OPERATIONS } from "../lib/api/mod.ts";
import { shapeOf } from "../lib/api/fields.ts";
import { wasRead } from "../lib/api/validate.ts";
import { AUTH_ENV } from "./_auth.ts";
import { createTestApp, TEST_SECRET, type TestApp } from "./_helpers.ts";

const BEARER = { authorization: `Bearer ${TEST_SECRET}` };
/** Read by the ingest pipeline's own parsers (lib/ingest/), not through validate.ts. */
const PIPELINE_PATHS = new Set(["/b.gif", "/e", "/c"]);
async function send(app: TestApp, method: string, path: string, body?: unknown) {
  const res = await app.request(path, {
    method,
    headers: { ...BEARER, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, text };
}

/** Path and required query values naming rows the fixture stores. */
const VALUES: Record<string, string> = {
  site_id: "shop",
  s: "shop",
  id: "spring",
  visitor_id: "v-1",
  view_id: "1",
};

function requestPath(operation: (typeof API_OPERATIONS)[number], keyId: number): string {
  const path = operation.path.replace(/:(\w+)/g, (_, name: string) => {
    if (operation.path.startsWith("/api/sites/")) return "shop";
    if (operation.path.startsWith("/api/experiments/")) return "hero";
    if (operation.path.startsWith("/api/keys/")) return String(keyId);
    return VALUES[name];
  });
  const url = new URL(path, "http://echelon.test");
  for (const [name, field] of Object.entries(operation.query?.shape ?? {})) {
    if (!(field as { _zod: { optin?: string } })._zod.optin) {
      url.searchParams.set(name, VALUES[name]);
    }
  }
  return url.pathname + url.search;
}

/** The declared inputs of an operation: each field of its parameters, query and body. */
function declaredInputs(operation: (typeof API_OPERATIONS)[number]) {
  const inputs: { name: string; schema: z.ZodType }[] = [];
  for (
    const [where, schema] of [
      ["path", operation.params],
      ["query", operation.query],
      ["body", operation.body],
    ] as const
  ) {
    if (!schema) continue;
    const fields = shapeOf(schema);
    if (!fields) inputs.push({ name: `${where} (whole)`, schema });
    for (const [name, field] of Object.entries(fields ?? {})) {
      inputs.push({ name: `${where} ${name}`, schema: field });
    }
  }
  return inputs;
}

Deno.test("openapi: every declared input of every /api/ route is read through its schema", async () => {
  const app = await createTestApp({ ...AUTH_ENV, ECHELON_SECRET: TEST_SECRET });
  const setup: [string, string, unknown][] = [
    ["POST", "/api/sites", { site_id: "shop", name: "Shop" }],
    ["POST", "/api/campaigns", { utm_campaign: "spring", id: "spring", site_id: "shop" }],
    ["POST", "/api/bots/exclude", { visitor_id: "v-1", label: "scraper" }],
    ["POST", "/api/keys", { name: "CI", scope: "read" }],
    ["POST", "/api/experiments", {
      experiment_id: "hero",
      name: "Hero",
      site_id: "shop",
      metric: "signup",
      variants: [{ variant_id: "a", is_control: true }, { variant_id: "b" }],
    }],
  ];
  let keyId = 0;
  for (const [method, path, body] of setup) {
    const res = await send(app, method, path, body);
    assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${res.text}`);
    if (path === "/api/keys") keyId = JSON.parse(res.text).created;
  }
  // Deletions last, so every other operation finds its row.
  const operations = API_OPERATIONS.filter((o) => !PIPELINE_PATHS.has(o.path))
    .toSorted((a, b) => Number(a.method === "DELETE") - Number(b.method === "DELETE"));
  const errors: string[] = [];
  for (const operation of operations) {
    const path = requestPath(operation, keyId);
    // An empty body is enough: a route reads it through its schema before anything else.
    const res = await send(app, operation.method, path, operation.body ? {} : undefined);
    if (res.status >= 500) errors.push(`${operation.method} ${path}: ${res.status} ${res.text}`);
  }
  assert.deepEqual(errors, []);
  const unread = operations.flatMap((operation) =>
    declaredInputs(operation)
      .filter((input) => !wasRead(input.schema))
      .map((input) => `${operation.method} ${operation.path} ${input.name}`)
  );
  assert.deepEqual(unread, [], "declared inputs the routes did not read through their schema");
  const checked = operations.flatMap(declaredInputs).length;
  assert.ok(checked >= 100, `${checked} inputs checked`);
});
