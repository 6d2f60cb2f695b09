// GET /b.gif is answered ahead of the router (lib/tracking_fast_path.ts); HEAD /b.gif takes the
// router, the route and the middleware. Both ways must answer the same status and headers and
// store the same hit.
import assert from "node:assert/strict";
import { PIXEL } from "../lib/pixel.ts";
import { pixelQuery } from "../lib/tracking_fast_path.ts";
import { createTestApp, type TestApp } from "./_helpers.ts";
import { beaconUrl, BROWSER_HEADERS, views } from "./_collect.ts";

async function answer(t: TestApp, method: "GET" | "HEAD", headers: Record<string, string>) {
  const res = await t.request(beaconUrl({ ck: "1" }), { method, headers });
  const body = new Uint8Array(await res.arrayBuffer());
  return { status: res.status, body, headers: Object.fromEntries(res.headers) };
}

const CASES: { name: string; env?: Record<string, string>; headers?: Record<string, string> }[] = [
  { name: "an <img> hit (no Origin)" },
  { name: "a hit with an Origin (open mode)", headers: { origin: "https://customer.example" } },
  {
    name: "a listed Origin",
    env: { ECHELON_ALLOWED_ORIGINS: "customer.example" },
    headers: { origin: "https://customer.example" },
  },
  {
    name: "an unlisted Origin (dropped, debug header)",
    env: { ECHELON_ALLOWED_ORIGINS: "mine.example", ECHELON_DEBUG: "true" },
    headers: { origin: "https://other.example" },
  },
  { name: "a DNT hit in debug mode", env: { ECHELON_DEBUG: "true" }, headers: { dnt: "1" } },
  { name: "cookie mode, returning visitor", headers: { cookie: "_ev=0123456789abcdef" } },
];

Deno.test("GET /b.gif: the fast path answers and stores what the routed way does", async () => {
  for (const c of CASES) {
    const t = await createTestApp(c.env);
    const headers = { ...BROWSER_HEADERS, ...c.headers };
    const fast = await answer(t, "GET", headers);
    const routed = await answer(t, "HEAD", headers);
    assert.equal(fast.status, 200, c.name);
    assert.deepEqual(fast.body, PIXEL, c.name);
    assert.equal(routed.body.length, 0, c.name);
    if (c.headers?.cookie) assert.match(fast.headers["set-cookie"], /^_ev=0123456789abcdef;/);
    else if (fast.headers["set-cookie"]) {
      // A new visitor gets a fresh random id each time: compare everything but the id.
      fast.headers["set-cookie"] = fast.headers["set-cookie"].slice(20);
      routed.headers["set-cookie"] = routed.headers["set-cookie"].slice(20);
    }
    assert.deepEqual(fast.headers, routed.headers, c.name);
    const stored = (await views(t)).map(({ id: _id, visitor_id, ...row }) => ({
      ...row,
      visitor_id: c.headers?.cookie ? visitor_id : "(random)",
    }));
    assert.equal(stored.length, fast.headers["x-echelon-drop"] ? 0 : 2, c.name);
    assert.deepEqual(stored[0], stored[1], c.name);
  }
});

Deno.test("pixelQuery: only the exact path /b.gif takes the fast path", () => {
  const cases: [string, string | null][] = [
    ["http://h/b.gif", ""],
    ["http://h:1947/b.gif?p=x&s=y", "p=x&s=y"],
    ["https://h/b.gif?", ""],
    ["http://h/b.gif?a#frag", "a"],
    ["http://h/b.gif#frag", ""],
    ["http://h/b.gif/", null],
    ["http://h/b.gif/?a", null],
    ["http://h/b.gifx?a", null],
    ["http://h/./b.gif?a", null],
    ["http://h/%62.gif?a", null],
    ["http://h/x/b.gif?a", null],
    ["http://h/e", null],
    ["/b.gif?a", null],
  ];
  for (const [url, query] of cases) assert.equal(pixelQuery(url), query, url);
});
