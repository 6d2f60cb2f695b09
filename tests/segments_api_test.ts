// Saved segments (/api/segments, lib/query/segments.ts) on the fixture of tests/_stats_fixture.ts:
// create, list, get, use in POST /api/v2/query (the same answer as the segment's filters inline),
// delete; 400/404/409 refusals with nothing stored; who may read and write; public mode.
import assert from "node:assert/strict";
import { insertSegment } from "../lib/db/segments.ts";
import { AUTH_ENV, loginCookie } from "./_auth.ts";
import { fixtureApp, send } from "./_api_fixture.ts";
import { tableRowCounts, TEST_ORIGIN, type TestApp } from "./_helpers.ts";
import { AUTH, D1, D2, SITE } from "./_stats_fixture.ts";

const query = (t: TestApp, filters: unknown[], headers = AUTH) =>
  send(t, "POST", "/api/v2/query", {
    site_id: SITE,
    metrics: ["visitors", "pageviews", "visits"],
    date_range: [D1, D2],
    dimensions: ["event:page"],
    filters,
  }, headers);

const FINNISH_DESKTOP = [["is", "visit:country", ["FI"]], ["is", "visit:device", ["desktop"]]];

Deno.test("segments: create, list, get, use in a query as the inline filters, delete", async () => {
  const t = await fixtureApp();
  const created = await send(t, "POST", "/api/segments", {
    site_id: "SHOP",
    name: "  Finnish desktop ",
    filters: FINNISH_DESKTOP,
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const id = created.body.created;
  assert.deepEqual(
    { ...created.body.segment, created_at: undefined },
    { id, site_id: SITE, name: "Finnish desktop", filters: FINNISH_DESKTOP, created_at: undefined },
  );
  const stored = t.services.db.get<{ filters: string }>(
    "SELECT filters FROM segments WHERE id = ?",
    id,
  );
  assert.deepEqual(JSON.parse(stored!.filters), FINNISH_DESKTOP);
  const blog = await send(t, "POST", "/api/segments", {
    site_id: SITE,
    name: "Blog",
    filters: [["contains", "event:page", ["/blog"]]],
  });
  assert.equal(blog.status, 201);

  const list = await send(t, "GET", "/api/segments");
  assert.deepEqual(list.body.map((s: { name: string }) => s.name), ["Blog", "Finnish desktop"]);
  const none = await send(t, "GET", "/api/segments?site_id=other");
  assert.deepEqual(none.body, []);
  const one = await send(t, "GET", `/api/segments/${id}`);
  assert.deepEqual(one.body, created.body.segment);

  // The segment answers what its filters inline answer, alone and combined with other filters.
  const inline = await query(t, FINNISH_DESKTOP);
  const viaSegment = await query(t, [["is", "segment", [id]]]);
  assert.equal(viaSegment.status, 200, JSON.stringify(viaSegment.body));
  assert.deepEqual(viaSegment.body.results, inline.body.results);
  assert.ok(inline.body.results.length > 0);
  const narrowed = await query(t, [["is", "segment", [id]], ["is", "event:page", ["/"]]]);
  assert.deepEqual(
    narrowed.body.results,
    (await query(t, [...FINNISH_DESKTOP, ["is", "event:page", ["/"]]])).body.results,
  );
  // Several ids: any of the segments.
  const either = await query(t, [["is", "segment", [id, String(blog.body.created)]]]);
  assert.deepEqual(
    either.body.results,
    (await query(t, [["or", [["and", FINNISH_DESKTOP], ["contains", "event:page", ["/blog"]]]]]))
      .body.results,
  );
  const negated = await query(t, [["not", ["is", "segment", [id]]]]);
  assert.deepEqual(
    negated.body.results,
    (await query(t, [["not", ["and", FINNISH_DESKTOP]]])).body.results,
  );

  const deleted = await send(t, "DELETE", `/api/segments/${id}`);
  assert.deepEqual([deleted.status, deleted.body], [200, { deleted: id }]);
  assert.equal(t.services.db.get("SELECT 1 AS x FROM segments WHERE id = ?", id), undefined);
  const gone = await query(t, [["is", "segment", [id]]]);
  assert.equal(gone.status, 400);
  assert.equal(gone.body.error, "invalid_query");
  assert.match(gone.body.message, new RegExp(`^filters\\[0\\]\\[2\\]\\[0\\]: no segment ${id}`));
  assert.equal((await send(t, "GET", `/api/segments/${id}`)).status, 404);
  assert.equal((await send(t, "DELETE", `/api/segments/${id}`)).status, 404);
});

Deno.test("segments: bad input is refused naming the field, and nothing is stored", async () => {
  const t = await fixtureApp();
  const ok = await send(t, "POST", "/api/segments", {
    site_id: SITE,
    name: "FI",
    filters: [["is", "visit:country", ["FI"]]],
  });
  assert.equal(ok.status, 201);
  const before = tableRowCounts(t);
  const cases: [unknown, number, string, RegExp][] = [
    [
      { site_id: SITE, name: "x", filters: [] },
      400,
      "invalid_segment",
      /^filters: expected a list/,
    ],
    [
      { site_id: SITE, filters: [["is", "visit:country", ["FI"]]] },
      400,
      "invalid_segment",
      /^name/,
    ],
    [
      { site_id: SITE, name: " ", filters: [["is", "visit:country", ["FI"]]] },
      400,
      "invalid_segment",
      /^name/,
    ],
    [
      { site_id: "no site!", name: "x", filters: [["is", "visit:country", ["FI"]]] },
      400,
      "invalid_segment",
      /^site_id/,
    ],
    [
      { site_id: SITE, name: "x", filters: [["is", "visit:cuntry", ["FI"]]] },
      400,
      "invalid_segment",
      /^filters\[0\]\[1\]: "visit:cuntry" is not a dimension/,
    ],
    [
      { site_id: SITE, name: "x", filters: [["is", "segment", [ok.body.created]]] },
      400,
      "invalid_segment",
      /^filters\[0\]: a segment cannot reference a segment/,
    ],
    [
      { site_id: SITE, name: "x", filters: [["not", ["is", "segment", ["1"]]]] },
      400,
      "invalid_segment",
      /cannot reference a segment/,
    ],
    [
      { site_id: SITE, name: "x", filters: [["is", "visit:country", ["FI"]]], extra: 1 },
      400,
      "invalid_segment",
      /extra/,
    ],
    [
      { site_id: "nowhere", name: "x", filters: [["is", "visit:country", ["FI"]]] },
      404,
      "not_found",
      /nowhere/,
    ],
    [
      { site_id: SITE, name: "FI", filters: [["is", "visit:country", ["SE"]]] },
      409,
      "conflict",
      /already has a segment "FI"/,
    ],
  ];
  for (const [body, status, error, message] of cases) {
    const res = await send(t, "POST", "/api/segments", body);
    assert.equal(res.status, status, JSON.stringify(body));
    assert.equal(res.body.error, error, JSON.stringify(body));
    assert.match(res.body.message, message, JSON.stringify(body));
  }
  assert.equal((await send(t, "GET", "/api/segments/abc")).body.error, "invalid_id");
  assert.equal((await send(t, "GET", "/api/segments/0")).status, 400);
  assert.equal((await send(t, "GET", "/api/segments?site_id=no%20site")).status, 400);
  // In a query: another site's segment, another operator, a malformed id.
  const elsewhere = await send(t, "POST", "/api/segments", {
    site_id: "other",
    name: "FI",
    filters: [["is", "visit:country", ["FI"]]],
  });
  const afterOther = tableRowCounts(t);
  const refused: [unknown[], RegExp][] = [
    [
      [["is", "segment", [elsewhere.body.created]]],
      /^filters\[0\]\[2\]\[0\]: no segment \d+ of the query's sites/,
    ],
    [[["is_not", "segment", [ok.body.created]]], /^filters\[0\]\[0\]: a segment takes "is"/],
    [[["is", "segment", ["x"]]], /^filters\[0\]\[2\]\[0\]: no segment "x"/],
    [[["is", "segment", []]], /^filters\[0\]\[2\]: expected a list of segment ids/],
  ];
  for (const [filters, message] of refused) {
    const res = await query(t, filters);
    assert.equal(res.status, 400, JSON.stringify(filters));
    assert.equal(res.body.error, "invalid_query");
    assert.match(res.body.message, message, JSON.stringify(filters));
  }
  assert.deepEqual(tableRowCounts(t), afterOther);
  assert.equal(afterOther.segments, before.segments + 1);
});

Deno.test("segments: read keys list and use them, writes need a session, the secret or a write key; public mode shows none", async () => {
  const t = await fixtureApp(AUTH_ENV);
  const mint = async (scope: string) =>
    (await send(t, "POST", "/api/keys", { name: scope, scope })).body.key as string;
  const read = { authorization: `Bearer ${await mint("read")}` };
  const write = { authorization: `Bearer ${await mint("write")}` };
  const body = { site_id: SITE, name: "FI", filters: [["is", "visit:country", ["FI"]]] };

  const denied = await send(t, "POST", "/api/segments", body, read);
  assert.equal(denied.status, 403);
  assert.equal(denied.body.error, "insufficient_scope");
  const anonymous = await send(t, "GET", "/api/segments", undefined, {});
  assert.equal(anonymous.status, 401);
  assert.equal(t.services.db.get<{ n: number }>("SELECT COUNT(*) AS n FROM segments")!.n, 0);

  const byKey = await send(t, "POST", "/api/segments", body, write);
  assert.equal(byKey.status, 201);
  const cookie = await loginCookie(t);
  const bySession = await send(t, "POST", "/api/segments", { ...body, name: "FI 2" }, {
    cookie,
    origin: TEST_ORIGIN,
  });
  assert.equal(bySession.status, 201, JSON.stringify(bySession.body));
  const forged = await send(t, "POST", "/api/segments", { ...body, name: "FI 3" }, {
    cookie,
    origin: "https://evil.example",
  });
  assert.equal(forged.status, 403);

  const listed = await send(t, "GET", "/api/segments", undefined, read);
  assert.deepEqual(listed.body.map((s: { name: string }) => s.name), ["FI", "FI 2"]);
  const used = await query(t, [["is", "segment", [byKey.body.created]]], read);
  assert.equal(used.status, 200);
  assert.deepEqual(used.body.results, (await query(t, body.filters)).body.results);
  assert.equal(
    (await send(t, "DELETE", `/api/segments/${byKey.body.created}`, undefined, read)).status,
    403,
  );
  assert.equal(
    (await send(t, "DELETE", `/api/segments/${byKey.body.created}`, undefined, write)).status,
    200,
  );

  // Public mode: anonymous callers see no segment; nobody writes (a public instance is read-only);
  // credentials read as on a private instance.
  const pub = await fixtureApp({ ECHELON_PUBLIC_MODE: "true" });
  const saved = insertSegment(pub.services.db, {
    siteId: SITE,
    name: "FI",
    filters: body.filters,
  })!;
  const before = tableRowCounts(pub);
  const probes: [string, string, string][] = [
    ["GET", "/api/segments", "not_public"],
    ["GET", `/api/segments/${saved.id}`, "not_public"],
    ["POST", "/api/segments", "read_only"],
    ["DELETE", `/api/segments/${saved.id}`, "read_only"],
  ];
  for (const [method, path, error] of probes) {
    const res = await send(
      pub,
      method,
      path,
      method === "POST" ? { ...body, name: "x" } : undefined,
      {},
    );
    assert.deepEqual([res.status, res.body.error], [403, error], `${method} ${path}`);
  }
  const withSecret = await send(pub, "POST", "/api/segments", { ...body, name: "x" });
  assert.deepEqual([withSecret.status, withSecret.body.error], [403, "read_only"]);
  const secretList = await send(pub, "GET", "/api/segments");
  assert.deepEqual(secretList.body, [saved]);
  assert.deepEqual(tableRowCounts(pub), before);
});
