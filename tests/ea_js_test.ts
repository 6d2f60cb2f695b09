// GET /ea.js: the built tracker with this response's values injected. Headers (type, caching,
// Vary, gzip), the injected JSON parses and carries the right origin, module and challenge, the
// challenge verifies once solved, and the literal is safe to embed.
import assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import { parseChallenge, solveChallenge } from "../lib/pow/mod.ts";
import { CHUNK_NAMES, chunksHash } from "../lib/tracker_chunk.ts";
import { type Injected, PLACEHOLDER, renderInjected, variantFile } from "../tracker/inject.ts";
import { createTestApp, TEST_ORIGIN } from "./_helpers.ts";

const BROWSER = {
  "accept-language": "en-GB,en;q=0.9",
  "sec-fetch-site": "cross-site",
  "sec-ch-ua": '"Chromium";v="156"',
};

/** The built file's text around the placeholder, to cut the injected literal out of a response. */
async function builtParts(file = "ea.js"): Promise<[string, string]> {
  const text = await Deno.readTextFile(new URL(`../dist/tracker/${file}`, import.meta.url));
  const at = text.indexOf(PLACEHOLDER);
  return [text.slice(0, at), text.slice(at + PLACEHOLDER.length)];
}

function injectedIn(body: string, [prefix, suffix]: [string, string]): Injected {
  assert.ok(body.startsWith(prefix) && body.endsWith(suffix), "the built script around the values");
  assert.ok(!body.includes(PLACEHOLDER));
  return JSON.parse(body.slice(prefix.length, body.length - suffix.length));
}

Deno.test("/ea.js: the generic script is cacheable and embeds origin and module, no challenge", async () => {
  const t = await createTestApp();
  const res = await t.request("/ea.js", { headers: BROWSER });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "application/javascript; charset=utf-8");
  assert.equal(res.headers.get("cache-control"), "public, max-age=300");
  const vary = res.headers.get("vary") ?? "";
  assert.match(vary, /Accept-Encoding/);
  assert.doesNotMatch(vary, /Accept-Language|X-Forwarded/i, "nothing else changes this response");
  assert.equal(res.headers.get("content-encoding"), null);
  const injected = injectedIn(await res.text(), await builtParts());
  const module = t.services.pow.currentModule();
  assert.deepEqual(injected, {
    o: TEST_ORIGIN,
    c: null,
    e: module.epoch,
    w: module.hex,
    h: chunksHash(),
    m: 600_000,
    s: null,
  });
});

Deno.test("/ea.js?s=: a site with the default settings gets null (the tracker's defaults)", async () => {
  const t = await createTestApp();
  const res = await t.request("/ea.js?s=plain-site", { headers: BROWSER });
  const injected = injectedIn(await res.text(), await builtParts()) as { s: unknown };
  assert.equal(injected.s, null);
});

for (const name of CHUNK_NAMES) {
  Deno.test(`/ea.${name}.js: the chunk, cached for a year under the hash, gzip on request`, async () => {
    const t = await createTestApp();
    const hash = chunksHash();
    const built = await Deno.readFile(new URL(`../dist/tracker/ea.${name}.js`, import.meta.url));
    const current = await t.request(`/ea.${name}.js?h=${hash}`, {
      headers: { origin: "https://customer.example" },
    });
    assert.equal(current.status, 200);
    assert.equal(current.headers.get("content-type"), "application/javascript; charset=utf-8");
    assert.equal(current.headers.get("cache-control"), "public, max-age=31536000, immutable");
    assert.equal(current.headers.get("access-control-allow-origin"), "https://customer.example");
    assert.deepEqual(new Uint8Array(await current.arrayBuffer()), built);
    const text = new TextDecoder().decode(built);
    assert.match(text, new RegExp(`echelon:${name}`));
    assert.doesNotMatch(text, /__ECHELON__/, "nothing is injected into a chunk");
    const stale = await t.request(`/ea.${name}.js?h=0000000000`);
    assert.equal(stale.headers.get("cache-control"), "public, max-age=300", "an old hash");
    await stale.body?.cancel();
    const gzipped = await t.request(`/ea.${name}.js?h=${hash}`, {
      headers: { "accept-encoding": "gzip, br" },
    });
    assert.equal(gzipped.headers.get("content-encoding"), "gzip");
    const body = new Uint8Array(gunzipSync(new Uint8Array(await gzipped.arrayBuffer())));
    assert.deepEqual(body, built);
  });
}

Deno.test("/ea.js?s=: a per-visitor challenge (no-store) that verifies once solved", async () => {
  const t = await createTestApp({ ECHELON_POW_DIFFICULTY: "10" });
  t.services.db.run(
    "INSERT INTO site_settings (site_id, query_allowlist) VALUES ('fixture', 'page')",
  );
  await t.services.collect.caches.refresh(t.services.store, t.clock.now);
  const res = await t.request("/ea.js?s=Fixture", { headers: BROWSER });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("cache-control"), "no-store");
  for (const name of ["Accept-Encoding", "accept-language", "sec-fetch-site", "sec-ch-ua"]) {
    assert.match(res.headers.get("vary") ?? "", new RegExp(name, "i"));
  }
  const injected = injectedIn(await res.text(), await builtParts());
  const challenge = parseChallenge(injected.c ?? "");
  assert.ok(challenge);
  assert.equal(challenge.site, "fixture");
  assert.equal(challenge.difficulty, 10);
  assert.deepEqual(injected.s, {
    query: ["page"],
    formValues: false,
    consentCss: "",
    anon: false,
  });
  const { token } = solveChallenge(t.services.pow, injected.c!, 10);
  assert.equal(t.services.pow.verify(token, "fixture", "v").verdict, "valid");

  // A client without browser headers pays four more bits; a bad site id gets the generic script.
  const bare = injectedIn(await (await t.request("/ea.js?s=fixture")).text(), await builtParts());
  assert.equal(parseChallenge(bare.c!)?.difficulty, 14);
  const generic = await t.request("/ea.js?s=%3Cscript%3E");
  assert.equal(generic.headers.get("cache-control"), "public, max-age=300");
  assert.equal(injectedIn(await generic.text(), await builtParts()).c, null);
});

Deno.test("/ea.js: gzip when accepted, identical after decompression", async () => {
  const t = await createTestApp();
  const plain = await (await t.request("/ea.js")).text();
  for (const accept of ["gzip", "gzip, deflate, br, zstd", "br;q=1, gzip;q=0.5", "*"]) {
    const res = await t.request("/ea.js", { headers: { "accept-encoding": accept } });
    assert.equal(res.headers.get("content-encoding"), "gzip", accept);
    const body = new Uint8Array(await res.arrayBuffer());
    assert.equal(new TextDecoder().decode(gunzipSync(body)), plain, accept);
  }
  for (const accept of ["br", "gzip;q=0", "identity"]) {
    const res = await t.request("/ea.js", { headers: { "accept-encoding": accept } });
    assert.equal(res.headers.get("content-encoding"), null, accept);
    assert.equal(await res.text(), plain, accept);
  }
});

Deno.test("/ea.js: forwarding headers set the origin only behind a trusted proxy", async () => {
  const forwarded = { "x-forwarded-proto": "https", "x-forwarded-host": "stats.example.com" };
  const direct = await createTestApp();
  const res = await direct.request("/ea.js", { headers: forwarded });
  assert.equal(injectedIn(await res.text(), await builtParts()).o, TEST_ORIGIN);

  const proxied = await createTestApp({ ECHELON_TRUST_PROXY: "true" });
  const behind = await proxied.request("/ea.js", { headers: forwarded, ip: "127.0.0.1" });
  assert.match(behind.headers.get("vary") ?? "", /X-Forwarded-Proto, X-Forwarded-Host/);
  assert.equal(
    injectedIn(await behind.text(), await builtParts()).o,
    "https://stats.example.com",
  );
  const bypass = await proxied.request("/ea.js", { headers: forwarded, ip: "203.0.113.50" });
  assert.doesNotMatch(bypass.headers.get("vary") ?? "", /X-Forwarded/);
  assert.equal(
    injectedIn(await bypass.text(), await builtParts()).o,
    TEST_ORIGIN,
    "a client that reaches the app directly cannot set its origin",
  );
  const hostile = await proxied.request("/ea.js", {
    ip: "127.0.0.1",
    headers: { "x-forwarded-proto": "javascript", "x-forwarded-host": 'a.com"</script>' },
  });
  assert.equal(injectedIn(await hostile.text(), await builtParts()).o, TEST_ORIGIN);
});

Deno.test("/ea.js: debug and consent configurations serve their build variants", async () => {
  for (
    const [env, variant] of [
      [{ ECHELON_DEBUG: "true" }, { consent: false, debug: true }],
      [{ ECHELON_COOKIE_CONSENT: "true" }, { consent: true, debug: false }],
    ] as const
  ) {
    const t = await createTestApp(env);
    const body = await (await t.request("/ea.js")).text();
    const parts = await builtParts(variantFile(variant));
    injectedIn(body, parts); // the variant's own file, with the values in its placeholder
  }
  const consent = await Deno.readTextFile(
    new URL("../dist/tracker/ea.consent.js", import.meta.url),
  );
  const plain = await Deno.readTextFile(new URL("../dist/tracker/ea.js", import.meta.url));
  const debug = await Deno.readTextFile(new URL("../dist/tracker/ea.debug.js", import.meta.url));
  const banner = await Deno.readTextFile(new URL("../dist/tracker/ea.banner.js", import.meta.url));
  assert.match(consent, /"banner"/, "the consent variant loads the banner chunk");
  assert.doesNotMatch(plain, /"banner"/, "the default script never asks");
  assert.match(banner, /echelon-consent/);
  for (const script of [plain, consent]) assert.doesNotMatch(script, /echelon-consent/);
  assert.match(debug, /\[echelon\]/);
  assert.doesNotMatch(plain, /\[echelon\]|console\./, "nor any tracing");
});

Deno.test("renderInjected: the literal cannot close a script element or break old parsers", () => {
  const literal = renderInjected({
    o: "https://a.example",
    c: null,
    e: 1,
    w: "00",
    h: "0123456789",
    m: 1,
    s: { query: [], formValues: false, consentCss: "</script><script>x\u2028\u2029" },
  });
  assert.doesNotMatch(literal, /<|\u2028|\u2029/);
  assert.equal(JSON.parse(literal).s.consentCss, "</script><script>x\u2028\u2029");
});
