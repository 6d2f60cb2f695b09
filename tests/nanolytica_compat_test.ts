// Nanolytica compatibility: its collect payload (README example and field table) is stored as our
// page view (load post) or `pageview_end` event (unload post) through the same pipeline steps;
// invalid payloads are 400 with nothing stored; drops, limits and CORS behave as for /b.gif and
// /e; /nanolytica.js serves the tracker exactly as /ea.js does.
import assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import { BROWSER_HEADERS, CHROME_UA, drops, events, views } from "./_collect.ts";
import { createTestApp, TEST_SECRET, type TestApp } from "./_helpers.ts";

const COLLECT = "/api/analytics/collect";

/** The README's example payload (the load post: duration 0). */
const EXAMPLE = {
  path: "/blog/hello-world",
  referrer: "https://google.com",
  screen_size: "1920x1080",
  user_agent: "Mozilla/5.0...",
  duration_sec: 0,
  scroll_depth: 0,
  site: "blog.example.com",
};

function collect(
  t: TestApp,
  body: unknown,
  options: { headers?: Record<string, string>; ip?: string } = {},
): Promise<Response> {
  return t.request(COLLECT, {
    method: "POST",
    // Nanolytica's script posts JSON with fetch (keepalive) from the customer's page.
    headers: {
      ...BROWSER_HEADERS,
      "content-type": "application/json",
      origin: "https://blog.example.com",
      referer: "https://blog.example.com/blog/hello-world",
      ...options.headers,
    },
    body: typeof body === "string" ? body : JSON.stringify(body),
    ip: options.ip,
  });
}

async function status(res: Promise<Response>): Promise<number> {
  const r = await res;
  await r.body?.cancel();
  return r.status;
}

Deno.test("collect: the load post becomes a page view with Nanolytica's fields mapped", async () => {
  const t = await createTestApp({ ECHELON_SECRET: TEST_SECRET }); // no token needed: public path
  const res = await collect(t, EXAMPLE);
  assert.equal(res.status, 204);
  assert.equal(res.headers.get("access-control-allow-origin"), "https://blog.example.com");
  const [row, ...rest] = await views(t);
  assert.deepEqual(rest, []);
  assert.deepEqual(await events(t), []);
  const detail = JSON.parse(String(row.bot_score_detail));
  assert.deepEqual(
    {
      site_id: row.site_id,
      path: row.path,
      referrer: row.referrer,
      referrer_domain: row.referrer_domain,
      referrer_type: row.referrer_type,
      screen: [row.screen_width, row.screen_height],
      device_type: row.device_type,
      browser: row.browser_name,
      interaction_ms: row.interaction_ms,
      is_spa: row.is_spa,
      session_id: row.session_id,
      pow_verdict: row.pow_verdict,
      bot_score: row.bot_score,
      bot_reason: row.bot_reason,
    },
    {
      site_id: "blog.example.com",
      path: "/blog/hello-world",
      referrer: "https://google.com",
      referrer_domain: "google.com",
      referrer_type: "search",
      screen: [1920, 1080],
      device_type: "desktop",
      // The User-Agent header, not the body's copy ("Mozilla/5.0..." would parse as nothing).
      browser: "Chrome",
      interaction_ms: null,
      is_spa: 0,
      session_id: null,
      pow_verdict: "missing",
      // Stored and explained, never counted: no proof of work (and no trusted input).
      bot_score: 100,
      bot_reason: "no_proof",
    },
  );
  // Scored like any hit without a token; no timing signal (Nanolytica has no interaction delay).
  assert.deepEqual(detail, {
    pow: 15,
    pow_result: "missing",
    no_proof: 50,
    no_interaction: 50,
  });
  // The site registers itself on its first valid hit, as with /b.gif.
  await t.services.collect.flushCounters();
  assert.ok(t.services.db.get("SELECT 1 FROM sites WHERE site_id = 'blog.example.com'"));
});

Deno.test("collect: the unload post becomes a pageview_end event, not a second view", async () => {
  const t = await createTestApp();
  assert.equal(await status(collect(t, EXAMPLE)), 204);
  assert.equal(
    await status(collect(t, { ...EXAMPLE, duration_sec: 45, scroll_depth: 82 })),
    204,
  );
  const stored = await views(t);
  assert.equal(stored.length, 1, "one page view per page, not two (Nanolytica double-counts)");
  const [event, ...rest] = await events(t);
  assert.deepEqual(rest, []);
  assert.deepEqual(
    [event.event_type, event.site_id, event.path, event.engaged_ms, event.scroll_pct],
    ["pageview_end", "blog.example.com", "/blog/hello-world", 45_000, 82],
  );
  assert.equal(event.visitor_id, stored[0].visitor_id, "same visitor for both posts");
  assert.deepEqual([event.bot_score, event.bot_reason], [65, "no_proof"]);
  // Without scroll_depth the event simply has none.
  await collect(t, { path: "/x", duration_sec: 3 });
  assert.deepEqual(
    (await events(t)).slice(1).map((r) => [r.site_id, r.path, r.engaged_ms, r.scroll_pct]),
    [["default", "/x", 3000, null]],
  );
});

Deno.test('collect: site defaults to "default", is lower-cased, and UTM tags follow the whitelist', async () => {
  const t = await createTestApp();
  t.services.db.run(
    "INSERT INTO utm_campaigns (id, name, utm_campaign, site_id) VALUES ('s', 'S', 'spring', 'default')",
  );
  await t.services.collect.caches.refreshCampaigns(t.services.store.campaigns);
  await collect(t, { path: "/" });
  await collect(t, { path: "/Shop", site: "Shop.Example.COM", screen_size: "390x844" });
  await collect(t, { path: "/p?utm_campaign=spring&utm_source=news&id=7#top" });
  await collect(t, { path: "/p?utm_campaign=unknown&utm_source=news" });
  assert.deepEqual(
    (await views(t)).map((r) => [r.site_id, r.path, r.device_type, r.utm_campaign, r.utm_source]),
    [
      ["default", "/", "desktop", null, null],
      ["shop.example.com", "/Shop", "mobile", null, null],
      ["default", "/p", "desktop", "spring", "news"],
      ["default", "/p", "desktop", null, null],
    ],
  );
});

Deno.test("collect: invalid payloads are 400 naming the field, and nothing is stored", async () => {
  const t = await createTestApp();
  const cases: [unknown, RegExp][] = [
    [{ site: "blog" }, /path: required/],
    [{ path: 42 }, /path: must be a string/],
    [{ path: "blog/post" }, /path: must start with "\/"/],
    [{ path: "//evil.example/x" }, /path or site id is not valid/],
    [{ path: "/" + "a".repeat(2048) }, /path: at most 2048/],
    [{ path: "/", referrer: "r".repeat(2049) }, /referrer: at most 2048/],
    [{ path: "/", user_agent: "u".repeat(513) }, /user_agent: at most 512/],
    [{ path: "/", screen_size: "big" }, /screen_size: expected WIDTHxHEIGHT/],
    [{ path: "/", duration_sec: -1 }, /duration_sec: must be an integer 0-86400/],
    [{ path: "/", duration_sec: 86_401 }, /duration_sec/],
    [{ path: "/", duration_sec: 1.5 }, /duration_sec/],
    [{ path: "/", duration_sec: "45" }, /duration_sec/],
    [{ path: "/", scroll_depth: 101 }, /scroll_depth: must be an integer 0-100/],
    [{ path: "/", site: "bad site" }, /site: "bad site" is not a site id/],
    [{ path: "/", site: "s".repeat(65) }, /site: at most 64/],
    [[EXAMPLE], /Expected a JSON object/],
    ["{oops", /not valid JSON/],
    ["", /empty/],
  ];
  for (const [body, message] of cases) {
    const res = await collect(t, body);
    const json = await res.json();
    assert.equal(res.status, 400, JSON.stringify(body).slice(0, 80));
    assert.equal(
      json.error === "invalid_payload" || json.error === "invalid_json" ||
        json.error === "empty_body",
      true,
    );
    assert.match(json.message, message);
  }
  const huge = await collect(t, { ...EXAMPLE, referrer: "x".repeat(11_000) });
  assert.equal(huge.status, 413);
  await huge.body?.cancel();
  assert.deepEqual(await views(t), []);
  assert.deepEqual(await events(t), []);
  assert.equal((await drops(t))["collect:invalid_payload"], cases.length + 1);
});

Deno.test("collect: DNT, known bots and unknown sites are dropped silently (204), as by Nanolytica", async () => {
  const t = await createTestApp({ ECHELON_REGISTERED_SITES_ONLY: "true", ECHELON_DEBUG: "true" });
  t.services.db.run("INSERT INTO sites (site_id, source) VALUES ('blog.example.com', 'admin')");
  await t.services.collect.caches.resetSites(t.services.store.sites);
  const dnt = await collect(t, EXAMPLE, { headers: { dnt: "1" } });
  const bot = await collect(t, EXAMPLE, { headers: { "user-agent": "curl/8.5.0" } });
  const unknown = await collect(t, { ...EXAMPLE, site: "unknown.example" });
  const kept = await collect(t, EXAMPLE);
  assert.deepEqual(
    [dnt, bot, unknown, kept].map((r) => [r.status, r.headers.get("x-echelon-drop")]),
    [[204, "dnt"], [204, "known_bot"], [204, "site_not_allowed"], [204, null]],
  );
  assert.deepEqual((await views(t)).map((r) => r.site_id), ["blog.example.com"]);
  assert.deepEqual(await drops(t), {
    "collect:dnt": 1,
    "collect:known_bot": 1,
    "collect:site_not_allowed": 1,
  });
  const report = t.services.db.all<{ bot_name: string; path: string }>(
    "SELECT bot_name, path FROM bot_traffic",
  );
  assert.deepEqual(report.map((r) => ({ ...r })), [{
    bot_name: "curl",
    path: "/blog/hello-world",
  }]);
});

Deno.test("collect: shares the collectors' rate limit (429), for both posts", async () => {
  const t = await createTestApp({ ECHELON_RATE_LIMIT_MAX: "2" });
  const codes = [
    await status(collect(t, EXAMPLE)),
    await status(collect(t, { ...EXAMPLE, duration_sec: 5 })),
    await status(collect(t, EXAMPLE)),
    await status(collect(t, { ...EXAMPLE, duration_sec: 5 })),
    await status(collect(t, EXAMPLE, { ip: "198.51.100.9" })),
  ];
  assert.deepEqual(codes, [204, 204, 429, 429, 204]);
  assert.equal((await views(t)).length, 2);
  assert.equal((await events(t)).length, 1);
  assert.equal((await drops(t))["collect:rate_limited"], 2);
});

Deno.test("collect: CORS preflight and responses like /e; open in public mode", async () => {
  const t = await createTestApp({
    ECHELON_PUBLIC_MODE: "true",
    ECHELON_ALLOWED_ORIGINS: "blog.example.com",
  });
  const preflight = await t.request(COLLECT, {
    method: "OPTIONS",
    headers: {
      origin: "https://blog.example.com",
      "access-control-request-method": "POST",
      "access-control-request-headers": "content-type",
    },
  });
  assert.equal(preflight.status, 204);
  assert.equal(preflight.headers.get("access-control-allow-origin"), "https://blog.example.com");
  assert.match(preflight.headers.get("access-control-allow-methods") ?? "", /POST/);
  assert.match(preflight.headers.get("access-control-allow-headers") ?? "", /Content-Type/i);
  const other = await t.request(COLLECT, {
    method: "OPTIONS",
    headers: { origin: "https://evil.example" },
  });
  assert.equal(other.headers.get("access-control-allow-origin"), null);
  // A tracking endpoint, not an admin write: public mode keeps collecting.
  assert.equal(await status(collect(t, EXAMPLE)), 204);
  assert.equal((await views(t)).length, 1);
  // ECHELON_ALLOWED_ORIGINS applies as to /b.gif.
  const foreign = await collect(t, EXAMPLE, {
    headers: { origin: "https://evil.example", referer: "https://evil.example/" },
  });
  assert.equal(foreign.status, 204);
  assert.equal((await views(t)).length, 1);
});

Deno.test("/nanolytica.js serves the tracker exactly as /ea.js does", async () => {
  const t = await createTestApp();
  const headers = {
    "user-agent": CHROME_UA,
    "accept-language": "en",
    origin: "https://blog.example.com",
  };
  for (const query of ["", "?s=blog.example.com"]) {
    for (const encoding of ["identity", "gzip"]) {
      const get = (path: string) =>
        t.request(path + query, { headers: { ...headers, "accept-encoding": encoding } });
      const [ea, nano] = [await get("/ea.js"), await get("/nanolytica.js")];
      const label = `${query || "generic"} ${encoding}`;
      assert.equal(nano.status, 200, label);
      for (
        const name of [
          "content-type",
          "cache-control",
          "content-encoding",
          "vary",
          "access-control-allow-origin",
        ]
      ) {
        assert.equal(nano.headers.get(name), ea.headers.get(name), `${label}: ${name}`);
      }
      assert.equal(nano.headers.get("access-control-allow-origin"), "https://blog.example.com");
      const body = async (res: Response) => {
        const bytes = new Uint8Array(await res.arrayBuffer());
        return new TextDecoder().decode(encoding === "gzip" ? gunzipSync(bytes) : bytes);
      };
      const [eaText, nanoText] = [await body(ea), await body(nano)];
      if (query) {
        // Each ?s= response embeds its own fresh challenge; the rest is the same script.
        const strip = (text: string) => text.replace(/"c":"[^"]*"/, '"c":""');
        assert.equal(strip(nanoText), strip(eaText), label);
        assert.match(nanoText, /"c":"[^"]+"/);
      } else {
        assert.equal(nanoText, eaText, label);
      }
      assert.match(nanoText, /echelon/);
    }
  }
});
