// Annotations through the API (/api/annotations, lib/annotations/mod.ts) and MCP: a write key adds
// one (a CI deploy marking itself), a read key lists but cannot write (403, nothing stored), bad
// dates and texts are 400 invalid_annotation naming the field with nothing stored, an unknown
// site is 404, a range lists the notes of its local days (an instant on the site's zone's day),
// delete, a site's deletion takes its notes, and the MCP tool reads them.
import assert from "node:assert/strict";
import { registerSite } from "./_admin.ts";
import {
  createTestApp,
  jsonSender,
  tableRowCounts,
  TEST_ORIGIN,
  TEST_SECRET,
  type TestApp,
} from "./_helpers.ts";
import { Client, resultData, StreamableHTTPClientTransport } from "./_mcp.ts";

const AUTH = { authorization: `Bearer ${TEST_SECRET}` };

async function app(env: Record<string, string> = {}): Promise<TestApp> {
  const t = await createTestApp({ ECHELON_SECRET: TEST_SECRET, ...env });
  registerSite(t, "shop", "Shop");
  registerSite(t, "blog");
  return t;
}

const send = jsonSender(AUTH);

async function mint(t: TestApp, scope: "read" | "write"): Promise<Record<string, string>> {
  const res = await send(t, "POST", "/api/keys", { name: scope, scope });
  assert.equal(res.status, 201);
  return { authorization: `Bearer ${res.body.key}` };
}

type Row = { site_id: string; day: string; at: string | null; text: string; source: string };
const stored = (t: TestApp) =>
  t.services.db.all<Row>(
    "SELECT site_id, day, at, text, source FROM annotations ORDER BY id",
  ).map((r) => ({ ...r }));

Deno.test("annotations api: a write key adds one, a read key lists them and cannot write", async () => {
  const t = await app();
  const write = await mint(t, "write");
  const read = await mint(t, "read");

  const deploy = await send(t, "POST", "/api/annotations", {
    site_id: "SHOP",
    date: "2026-11-19T16:30:00+02:00",
    text: "  Deployed v2.3 (CI) ",
  }, write);
  assert.equal(deploy.status, 201, JSON.stringify(deploy.body));
  assert.deepEqual({ ...deploy.body.annotation, created_at: undefined }, {
    id: deploy.body.created,
    site_id: "shop",
    date: "2026-11-19T14:30:00.000Z",
    day: "2026-11-19",
    text: "Deployed v2.3 (CI)",
    source: "api",
    created_at: undefined,
  });
  const launch = await send(t, "POST", "/api/annotations", {
    site_id: "shop",
    date: "2026-11-12",
    text: "Spring campaign launched",
  }, write);
  assert.equal(launch.status, 201);
  assert.deepEqual(stored(t), [
    {
      site_id: "shop",
      day: "2026-11-19",
      at: "2026-11-19T14:30:00.000Z",
      text: "Deployed v2.3 (CI)",
      source: "api",
    },
    {
      site_id: "shop",
      day: "2026-11-12",
      at: null,
      text: "Spring campaign launched",
      source: "api",
    },
  ]);

  // A read key lists (the default period: the last 30 days; a range: only its days)...
  const all = await send(t, "GET", "/api/annotations?site_id=shop", undefined, read);
  assert.equal(all.status, 200);
  assert.deepEqual(all.body.map((a: { text: string }) => a.text), [
    "Spring campaign launched",
    "Deployed v2.3 (CI)",
  ]);
  const week = await send(
    t,
    "GET",
    "/api/annotations?site_id=shop&from=2026-11-14&to=2026-11-20",
    undefined,
    read,
  );
  assert.deepEqual(week.body, [deploy.body.annotation]);
  assert.deepEqual(
    (await send(t, "GET", "/api/annotations?site_id=blog", undefined, read)).body,
    [],
  );

  // ...but cannot write: 403 and nothing stored.
  const before = tableRowCounts(t);
  const denied = await send(t, "POST", "/api/annotations", {
    site_id: "shop",
    date: "2026-11-20",
    text: "from a read key",
  }, read);
  assert.deepEqual([denied.status, denied.body.error], [403, "insufficient_scope"]);
  const notDeleted = await send(
    t,
    "DELETE",
    `/api/annotations/${deploy.body.created}`,
    undefined,
    read,
  );
  assert.equal(notDeleted.status, 403);
  assert.equal((await send(t, "GET", "/api/annotations?site_id=shop", undefined, {})).status, 401);
  assert.deepEqual(tableRowCounts(t), before);

  // Delete (a write key); a second time is 404.
  const deleted = await send(
    t,
    "DELETE",
    `/api/annotations/${deploy.body.created}`,
    undefined,
    write,
  );
  assert.deepEqual([deleted.status, deleted.body], [200, { deleted: deploy.body.created }]);
  assert.deepEqual(stored(t).map((r) => r.text), ["Spring campaign launched"]);
  const again = await send(
    t,
    "DELETE",
    `/api/annotations/${deploy.body.created}`,
    undefined,
    write,
  );
  assert.deepEqual([again.status, again.body.error], [404, "not_found"]);
  assert.equal((await send(t, "DELETE", "/api/annotations/abc")).body.error, "invalid_id");
});

Deno.test("annotations api: bad dates, texts and sites are refused naming the field, nothing stored", async () => {
  const t = await app();
  const before = tableRowCounts(t);
  const valid = { site_id: "shop", date: "2026-11-20", text: "Deploy" };
  const cases: [unknown, number, string, RegExp][] = [
    [{ ...valid, date: "2026-02-30" }, 400, "invalid_annotation", /^date: "2026-02-30" is not/],
    [{ ...valid, date: "20/11/2026" }, 400, "invalid_annotation", /^date: /],
    [{ ...valid, date: "2026-11-20T10:00:00" }, 400, "invalid_annotation", /^date: .*offset/],
    [{ ...valid, date: "2026-11-20T24:00:00Z" }, 400, "invalid_annotation", /^date: /],
    [{ ...valid, date: 20261120 }, 400, "invalid_annotation", /^date: /],
    [{ site_id: "shop", text: "x" }, 400, "invalid_annotation", /^date/],
    [{ ...valid, text: "   " }, 400, "invalid_annotation", /^text: 1-500 characters/],
    [{ ...valid, text: "x".repeat(501) }, 400, "invalid_annotation", /^text: 1-500 characters/],
    [{ site_id: "shop", date: "2026-11-20" }, 400, "invalid_annotation", /^text/],
    [{ ...valid, site_id: "no site!" }, 400, "invalid_annotation", /^site_id/],
    [{ ...valid, source: "admin" }, 400, "invalid_annotation", /source/],
    [{ ...valid, site_id: "nowhere" }, 404, "not_found", /nowhere/],
  ];
  for (const [body, status, error, message] of cases) {
    const res = await send(t, "POST", "/api/annotations", body);
    assert.equal(res.status, status, JSON.stringify(body));
    assert.equal(res.body.error, error, JSON.stringify(body));
    assert.match(res.body.message, message, JSON.stringify(body));
  }
  const list = (query: string) => send(t, "GET", `/api/annotations?${query}`);
  assert.deepEqual([(await list("site_id=nowhere")).status], [404]);
  assert.equal((await list("")).status, 400);
  assert.match((await list("site_id=shop&from=2026-11-31")).body.message, /^from: /);
  assert.deepEqual(tableRowCounts(t), before);
  // 500 characters are fine.
  const long = await send(t, "POST", "/api/annotations", { ...valid, text: "y".repeat(500) });
  assert.equal(long.status, 201);
});

Deno.test("annotations api: an instant lands on the site's local day; a site's deletion takes its notes", async () => {
  const t = await app();
  const zoned = await send(t, "PATCH", "/api/sites/shop", { time_zone: "America/New_York" });
  assert.equal(zoned.status, 200, JSON.stringify(zoned.body));
  // 03:30 UTC on the 20th is 22:30 on the 19th in New York.
  const late = await send(t, "POST", "/api/annotations", {
    site_id: "shop",
    date: "2026-11-20T03:30:00Z",
    text: "Late deploy",
  });
  assert.equal(late.body.annotation.day, "2026-11-19");
  const day = await send(t, "POST", "/api/annotations", {
    site_id: "shop",
    date: "2026-11-20",
    text: "A day is a day in every zone",
  });
  assert.equal(day.body.annotation.day, "2026-11-20");
  const on = async (d: string) =>
    (await send(t, "GET", `/api/annotations?site_id=shop&from=${d}&to=${d}`)).body.map((
      a: { text: string },
    ) => a.text);
  assert.deepEqual(await on("2026-11-19"), ["Late deploy"]);
  assert.deepEqual(await on("2026-11-20"), ["A day is a day in every zone"]);

  await send(t, "POST", "/api/annotations", { site_id: "blog", date: "2026-11-20", text: "Blog" });
  const removed = await send(t, "DELETE", "/api/sites/shop");
  assert.equal(removed.status, 200, JSON.stringify(removed.body));
  assert.deepEqual(stored(t).map((r) => [r.site_id, r.text]), [["blog", "Blog"]]);
});

Deno.test("annotations api: public mode shows none through the API and writes nothing", async () => {
  const t = await app({ ECHELON_PUBLIC_MODE: "true" });
  t.services.db.run(
    "INSERT INTO annotations (site_id, day, text, source) VALUES ('shop', '2026-11-20', 'x', 'admin')",
  );
  const before = tableRowCounts(t);
  const list = await send(t, "GET", "/api/annotations?site_id=shop", undefined, {});
  assert.deepEqual([list.status, list.body.error], [403, "not_public"]);
  const post = await send(t, "POST", "/api/annotations", {
    site_id: "shop",
    date: "2026-11-20",
    text: "y",
  }, {});
  assert.deepEqual([post.status, post.body.error], [403, "read_only"]);
  const withSecret = await send(t, "POST", "/api/annotations", {
    site_id: "shop",
    date: "2026-11-20",
    text: "y",
  });
  assert.deepEqual([withSecret.status, withSecret.body.error], [403, "read_only"]);
  assert.deepEqual(tableRowCounts(t), before);
});

Deno.test("annotations mcp: list_annotations reads a site's notes of a period", async () => {
  const t = await app();
  for (
    const [date, text] of [
      ["2026-11-10", "Outside the range"],
      ["2026-11-18", "Pricing page redesigned"],
      ["2026-11-20T09:15:00Z", "Deployed v2.4"],
    ]
  ) {
    assert.equal(
      (await send(t, "POST", "/api/annotations", { site_id: "shop", date, text })).status,
      201,
    );
  }
  const read = await mint(t, "read");
  const transport = new StreamableHTTPClientTransport(new URL("/mcp", TEST_ORIGIN), {
    requestInit: { headers: read },
    fetch: (url, init) => t.request(String(url), init),
  });
  const client = new Client({ name: "echelon-test", version: "1.0.0" });
  await client.connect(transport);
  try {
    const call = async (args: Record<string, unknown>) =>
      resultData(await client.callTool({ name: "list_annotations", arguments: args }));
    const week = await call({ site_id: "shop", from: "2026-11-14", to: "2026-11-20" });
    assert.deepEqual(
      week.data.map((
        a: { day: string; text: string; source: string },
      ) => [a.day, a.text, a.source]),
      [["2026-11-18", "Pricing page redesigned", "api"], ["2026-11-20", "Deployed v2.4", "api"]],
    );
    assert.equal(
      week.summary,
      'shop: 2 annotations: 2026-11-18 "Pricing page redesigned", 2026-11-20 "Deployed v2.4"',
    );
    const none = await call({ site_id: "blog", days: 7 });
    assert.deepEqual([none.data, none.summary], [[], "blog: no annotations in the period"]);
    const refused = await client.callTool({
      name: "list_annotations",
      arguments: { site_id: "nowhere", days: 7 },
    });
    assert.equal(refused.isError, true);
  } finally {
    await client.close();
  }
});
