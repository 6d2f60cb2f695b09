// GET /b.gif: every parameter, limit and drop reason, asserted on what was stored.
import assert from "node:assert/strict";
import { createTestApp, TEST_SECRET } from "./_helpers.ts";
import { b64, beaconUrl, drops, hit, SESSION, verifiedQuery, views } from "./_collect.ts";

const DEBUG = { ECHELON_DEBUG: "true" };

Deno.test("b.gif: a browser hit is stored with every enriched field", async () => {
  const t = await createTestApp(DEBUG);
  const { res, body, drop } = await hit(
    t,
    beaconUrl({
      ...verifiedQuery(t),
      p: b64("/blog/ünïcode?id=7&utm_source=x#frag"),
      ref: b64("https://www.google.com/search?q=secret"),
      pwa: "1",
      ps: "42",
    }),
  );
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "image/gif");
  assert.equal(res.headers.get("cache-control"), "no-store");
  assert.equal(body.length, 43);
  assert.equal(drop, null);
  const [row] = await views(t);
  assert.equal(row.site_id, "shop");
  assert.equal(row.path, "/blog/ünïcode", "query strings and fragments are stripped");
  assert.equal(row.session_id, SESSION);
  assert.equal(row.interaction_ms, 1500);
  assert.equal(row.is_spa, 0);
  assert.equal(row.screen_width, 1920);
  assert.equal(row.screen_height, 1080);
  assert.equal(row.device_type, "desktop");
  assert.equal(row.browser_name, "Chrome");
  assert.equal(row.browser_version, "120.0");
  assert.equal(row.os_name, "Windows");
  assert.equal(row.is_pwa, 1);
  assert.equal(row.referrer, "https://www.google.com", "referrers are stored as origin only");
  assert.equal(row.referrer_domain, "google.com");
  assert.equal(row.referrer_type, "search");
  assert.equal(row.pow_verdict, "valid");
  assert.equal(row.pow_solve_ms, 42);
  assert.equal(row.bot_score, 0);
  assert.deepEqual(JSON.parse(row.bot_score_detail as string), { pow_result: "valid" });
  assert.equal(row.bot_reason, null, "a counted view has no reason");
  assert.equal(row.created_at, "2026-11-20T12:00:00.000Z");
  assert.match(row.visitor_id as string, /^[0-9a-f]{16}$/);
  assert.deepEqual(
    t.services.db.all("SELECT site_id, source FROM sites").map((r) => [r.site_id, r.source]),
    [[
      "shop",
      "auto",
    ]],
  );
});

Deno.test("b.gif: paths with a literal %, + and spaces are kept, not dropped", async () => {
  const t = await createTestApp(DEBUG);
  const paths = ["/100%-off", "/a+b/c d", "/%E2%82%AC", "/ok%"];
  for (const path of paths) {
    // Standard base64 contains '+' and '/': send it both URI-encoded and raw.
    assert.equal((await hit(t, beaconUrl({ p: b64(path) }))).drop, null, path);
  }
  const raw = await hit(t, `/b.gif?p=${b64("/>>>?")}&s=shop&_v=1200&sid=${SESSION}`);
  assert.equal(raw.drop, null, "an unencoded base64 '+' survives query parsing");
  const stored = (await views(t)).map((r) => r.path);
  assert.deepEqual(stored, [...paths, "/>>>"]);
});

Deno.test("b.gif: parameter validation (table)", async () => {
  const cases: {
    name: string;
    params: Record<string, string | null>;
    drop: string | null;
    check?: (row: Record<string, unknown>) => void;
  }[] = [
    { name: "missing p", params: { p: null }, drop: "invalid_payload" },
    { name: "p not a path", params: { p: b64("https://evil.example/") }, drop: "invalid_payload" },
    {
      name: "p protocol-relative",
      params: { p: b64("//evil.example/x") },
      drop: "invalid_payload",
    },
    { name: "garbage p", params: { p: "%%%" }, drop: "invalid_payload" },
    {
      name: "raw path p",
      params: { p: "/plain/path" },
      drop: null,
      check: (r) => assert.equal(r.path, "/plain/path"),
    },
    { name: "missing _v", params: { _v: null }, drop: "invalid_payload" },
    { name: "bad _v", params: { _v: "soon" }, drop: "invalid_payload" },
    { name: "huge _v", params: { _v: "99999999" }, drop: "invalid_payload" },
    {
      name: "spa view",
      params: { _v: "spa" },
      drop: null,
      check: (r) => {
        assert.equal(r.is_spa, 1);
        assert.equal(r.interaction_ms, null);
      },
    },
    {
      name: "bad sid",
      params: { sid: "not-a-uuid" },
      drop: null,
      check: (r) => assert.equal(r.session_id, null),
    },
    { name: "invalid site id", params: { s: "bad site!" }, drop: "invalid_payload" },
    {
      name: "site id upper-cased",
      params: { s: "Shop" },
      drop: null,
      check: (r) => assert.equal(r.site_id, "shop"),
    },
    {
      name: "missing site → default",
      params: { s: null },
      drop: null,
      check: (r) => assert.equal(r.site_id, "default"),
    },
    { name: "smoke-test ignored", params: { s: "smoke-test" }, drop: "site_ignored" },
    {
      name: "mobile screen",
      params: { sw: "390", sh: "844" },
      drop: null,
      check: (r) => assert.equal(r.device_type, "mobile"),
    },
    {
      name: "garbage screen",
      params: { sw: "wide", sh: "-5" },
      drop: null,
      check: (r) => {
        assert.equal(r.screen_width, null);
        assert.equal(r.screen_height, -5);
        assert.equal(JSON.parse(r.bot_score_detail as string).screen, 10);
      },
    },
    {
      name: "long path bounded",
      params: { p: b64("/" + "x".repeat(5000)) },
      drop: null,
      check: (r) => assert.equal((r.path as string).length, 2048),
    },
    {
      name: "control chars stripped",
      params: { p: b64("/a\u0000b\u001fc") },
      drop: null,
      check: (r) => assert.equal(r.path, "/abc"),
    },
    {
      name: "invalid ref ignored",
      params: { ref: b64("javascript:alert(1)") },
      drop: null,
      check: (r) => assert.equal(r.referrer, null),
    },
  ];
  for (const c of cases) {
    const t = await createTestApp(DEBUG);
    const { res, body, drop } = await hit(t, beaconUrl(c.params));
    assert.equal(res.status, 200, c.name);
    assert.equal(body.length, 43, c.name);
    assert.equal(drop, c.drop, c.name);
    const rows = await views(t);
    if (c.drop) {
      assert.equal(rows.length, 0, `${c.name}: nothing stored`);
      assert.equal((await drops(t))[`b.gif:${c.drop}`], 1, `${c.name}: drop counted`);
    } else {
      assert.equal(rows.length, 1, c.name);
      c.check?.(rows[0]);
    }
  }
});

Deno.test("b.gif: request-level drops (table)", async () => {
  const cases: {
    name: string;
    env?: Record<string, string>;
    headers?: Record<string, string>;
    drop: string;
  }[] = [
    { name: "DNT", headers: { dnt: "1" }, drop: "dnt" },
    { name: "GPC", headers: { "sec-gpc": "1" }, drop: "dnt" },
    {
      name: "known bot",
      headers: {
        "user-agent": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
      },
      drop: "known_bot",
    },
    { name: "curl", headers: { "user-agent": "curl/8.5.0" }, drop: "known_bot" },
    { name: "empty UA", headers: { "user-agent": "" }, drop: "known_bot" },
    { name: "extra UA pattern", env: { ECHELON_BOT_UA_PATTERNS: "Chrome/120" }, drop: "known_bot" },
    {
      name: "origin not allowed",
      env: { ECHELON_ALLOWED_ORIGINS: "mysite.example" },
      drop: "origin_not_allowed",
    },
    { name: "ignored site", env: { ECHELON_IGNORED_SITES: "shop" }, drop: "site_ignored" },
    {
      name: "not in allowed sites",
      env: { ECHELON_ALLOWED_SITES: "blog" },
      drop: "site_not_allowed",
    },
    {
      name: "unregistered site",
      env: { ECHELON_REGISTERED_SITES_ONLY: "true" },
      drop: "site_not_allowed",
    },
    {
      name: "over threshold",
      env: { ECHELON_BOT_DISCARD_THRESHOLD: "10" },
      drop: "over_threshold",
    },
  ];
  for (const c of cases) {
    const t = await createTestApp({ ...DEBUG, ...c.env });
    const { res, body, drop } = await hit(t, beaconUrl({}), c.headers);
    assert.equal(res.status, 200, c.name);
    assert.equal(body.length, 43, c.name);
    assert.equal(drop, c.drop, c.name);
    assert.equal((await views(t)).length, 0, `${c.name}: nothing stored`);
    assert.equal((await drops(t))[`b.gif:${c.drop}`], 1, `${c.name}: counted`);
  }
});

Deno.test("b.gif: allowed origins accept listed hosts from Origin or Referer", async () => {
  const t = await createTestApp({ ...DEBUG, ECHELON_ALLOWED_ORIGINS: "customer.example" });
  assert.equal((await hit(t, beaconUrl({}))).drop, null, "Referer host listed");
  assert.equal(
    (await hit(t, beaconUrl({}), { origin: "https://evil.example", referer: "" })).drop,
    "origin_not_allowed",
  );
  assert.equal((await views(t)).length, 1);
});

Deno.test("b.gif: allowed sites and registered-only mode", async () => {
  const t = await createTestApp({ ...DEBUG, ECHELON_ALLOWED_SITES: "shop" });
  assert.equal((await hit(t, beaconUrl({ s: "shop" }))).drop, null);
  assert.equal((await hit(t, beaconUrl({ s: "blog" }))).drop, "site_not_allowed");

  const r = await createTestApp({ ...DEBUG, ECHELON_REGISTERED_SITES_ONLY: "true" });
  r.services.db.run("INSERT INTO sites (site_id, source) VALUES ('shop', 'admin')");
  await r.services.collect.caches.refresh(r.services.store, 0);
  assert.equal((await hit(r, beaconUrl({ s: "shop" }))).drop, null);
  assert.equal((await hit(r, beaconUrl({ s: "other" }))).drop, "site_not_allowed");
});

Deno.test("b.gif: the rate limit is per IP, fixed window, and 0 disables it", async () => {
  const t = await createTestApp({
    ...DEBUG,
    ECHELON_RATE_LIMIT_MAX: "3",
    ECHELON_RATE_LIMIT_WINDOW_MS: "60000",
  });
  const results = [];
  for (let i = 0; i < 5; i++) results.push((await hit(t, beaconUrl({}), {}, "198.51.100.1")).drop);
  assert.deepEqual(results, [null, null, null, "rate_limited", "rate_limited"]);
  assert.equal(
    (await hit(t, beaconUrl({}), {}, "198.51.100.2")).drop,
    null,
    "another IP is not limited",
  );
  t.clock.now += 60_000;
  assert.equal((await hit(t, beaconUrl({}), {}, "198.51.100.1")).drop, null, "a new window");
  assert.equal((await views(t)).length, 5);
  assert.equal((await drops(t))["b.gif:rate_limited"], 2);

  const off = await createTestApp({ ...DEBUG, ECHELON_RATE_LIMIT_MAX: "0" });
  for (let i = 0; i < 150; i++) {
    assert.equal((await hit(off, beaconUrl({}), {}, "198.51.100.1")).drop, null);
  }
  assert.equal((await views(off)).length, 150);
});

Deno.test("b.gif: proxy headers are ignored unless trusted", async () => {
  const t = await createTestApp({ ...DEBUG, ECHELON_RATE_LIMIT_MAX: "1" });
  await hit(t, beaconUrl({}), { "x-forwarded-for": "192.0.2.1" }, "198.51.100.9");
  const second = await hit(t, beaconUrl({}), { "x-forwarded-for": "192.0.2.2" }, "198.51.100.9");
  assert.equal(second.drop, "rate_limited", "a spoofed X-Forwarded-For does not dodge the limit");

  const trusted = await createTestApp({
    ...DEBUG,
    ECHELON_RATE_LIMIT_MAX: "1",
    ECHELON_TRUST_PROXY: "true",
  });
  await hit(trusted, beaconUrl({}), { "x-forwarded-for": "192.0.2.1" }, "10.0.0.1");
  assert.equal(
    (await hit(trusted, beaconUrl({}), { "x-forwarded-for": "192.0.2.2" }, "10.0.0.1")).drop,
    null,
  );
});

Deno.test("b.gif: cookieless ids are stable within a UTC day and rotate at midnight", async () => {
  const t = await createTestApp(DEBUG);
  await hit(t, beaconUrl({}));
  await hit(t, beaconUrl({ p: b64("/other") }));
  await hit(t, beaconUrl({ s: "blog" }));
  await hit(t, beaconUrl({}), {
    "user-agent":
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15",
  });
  t.clock.now = Date.parse("2026-11-21T00:00:01Z");
  await hit(t, beaconUrl({}));
  const ids = (await views(t)).map((r) => r.visitor_id);
  assert.equal(ids[0], ids[1], "same visitor, same day");
  assert.notEqual(ids[0], ids[2], "sites do not share ids");
  assert.notEqual(ids[0], ids[3], "another browser is another visitor");
  assert.notEqual(ids[0], ids[4], "the id rotates at UTC midnight");
  assert.equal((await views(t)).every((r) => r.is_returning === 0), true);

  // A restart with the same secret keeps the same id (derived, not random per process).
  const again = await createTestApp({ ...DEBUG, ECHELON_SECRET: TEST_SECRET });
  const other = await createTestApp({ ...DEBUG, ECHELON_SECRET: TEST_SECRET });
  await hit(again, beaconUrl({}));
  await hit(other, beaconUrl({}));
  assert.equal((await views(again))[0].visitor_id, (await views(other))[0].visitor_id);
  assert.equal(
    JSON.stringify(t.services.db.all("SELECT * FROM visitor_views")).includes("203.0.113.7"),
    false,
    "no raw IP stored",
  );
});

Deno.test("b.gif: cookie mode sets _ev and recognises a returning visitor", async () => {
  const t = await createTestApp(DEBUG);
  const first = await hit(t, beaconUrl({ ck: "1" }));
  const cookie = first.res.headers.get("set-cookie") ?? "";
  assert.match(cookie, /^_ev=[0-9a-f]{16}; Path=\/; HttpOnly; Max-Age=2592000/);
  const id = cookie.slice(4, 20);
  const second = await hit(t, beaconUrl({ ck: "1" }), { cookie: `_ev=${id}` });
  assert.match(
    second.res.headers.get("set-cookie") ?? "",
    new RegExp(`^_ev=${id};`),
    "the cookie rolls forward",
  );
  const forged = await hit(t, beaconUrl({ ck: "1" }), { cookie: "_ev=not-hex" });
  assert.doesNotMatch(forged.res.headers.get("set-cookie") ?? "", /_ev=not-hex/);
  const rows = await views(t);
  assert.deepEqual(rows.map((r) => [r.visitor_id === id, r.is_returning]), [[true, 0], [true, 1], [
    false,
    0,
  ]]);
});

Deno.test("b.gif: UTM values are recorded only for an active registered campaign", async () => {
  const t = await createTestApp(DEBUG);
  t.services.db.run(
    "INSERT INTO utm_campaigns (id, name, utm_campaign, site_id) VALUES ('c1', 'Spring', 'spring', 'shop')",
  );
  t.services.db.run(
    "INSERT INTO utm_campaigns (id, name, utm_campaign, site_id, status) VALUES ('c2', 'Old', 'old', 'shop', 'paused')",
  );
  await t.services.collect.caches.refresh(t.services.store, 0);
  await hit(
    t,
    beaconUrl({
      uc: b64("spring"),
      us: b64("newsletter"),
      um: b64("email"),
      uct: b64("hero"),
      ut: b64("shoes"),
    }),
  );
  await hit(t, beaconUrl({ uc: b64("old"), us: b64("x") }));
  await hit(t, beaconUrl({ p: b64("/landing?utm_campaign=spring&utm_source=tw") }));
  await hit(t, beaconUrl({ uc: b64("unknown") }));
  const rows = (await views(t)).map((
    r,
  ) => [r.utm_campaign, r.utm_source, r.utm_medium, r.utm_content, r.utm_term, r.path]);
  assert.deepEqual(rows, [
    ["spring", "newsletter", "email", "hero", "shoes", "/pricing"],
    [null, null, null, null, null, "/pricing"],
    ["spring", "tw", null, null, null, "/landing"],
    [null, null, null, null, null, "/pricing"],
  ]);
});

Deno.test("b.gif: excluded visitors are dropped at ingest", async () => {
  const t = await createTestApp(DEBUG);
  await hit(t, beaconUrl({}));
  const id = (await views(t))[0].visitor_id as string;
  t.services.db.run("INSERT INTO excluded_visitors (visitor_id, label) VALUES (?, 'me')", id);
  await t.services.collect.caches.refresh(t.services.store, 0);
  assert.equal((await hit(t, beaconUrl({}))).drop, "excluded_visitor");
  assert.equal((await views(t)).length, 1);
});

Deno.test("b.gif: known bots are counted per day, site, bot and path", async () => {
  const t = await createTestApp(DEBUG);
  const bot = { "user-agent": "Mozilla/5.0 (compatible; GPTBot/1.0; +https://openai.com/gptbot)" };
  await hit(t, beaconUrl({ p: b64("/a?x=1") }), bot);
  await hit(t, beaconUrl({ p: b64("/a") }), bot);
  await hit(t, beaconUrl({ p: b64("/b") }), { "user-agent": "curl/8.0" });
  await views(t);
  const rows = t.services.db.all(
    "SELECT date, site_id, bot_name, path, hits FROM bot_traffic ORDER BY bot_name, path",
  );
  assert.deepEqual(rows.map((r) => [r.date, r.site_id, r.bot_name, r.path, r.hits]), [
    ["2026-11-20", "shop", "GPTBot", "/a", 2],
    ["2026-11-20", "shop", "curl", "/b", 1],
  ]);
});

Deno.test("b.gif: a full write buffer refuses hits and counts them", async () => {
  const t = await createTestApp(DEBUG);
  const writer = t.services.collect.views as unknown as { push: (r: unknown) => boolean };
  const push = writer.push;
  writer.push = () => false;
  assert.equal((await hit(t, beaconUrl({}))).drop, "buffer_full");
  writer.push = push;
  assert.equal((await drops(t))["b.gif:buffer_full"], 1);
});
