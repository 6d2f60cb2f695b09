// The size budget of docs/architecture.md: /ea.js as served, gzip level 9, WASM included, at most 5
// KB. Measured on the app's own response (the normal embed and the per-site one), not on the build.
import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { createTestApp } from "./_helpers.ts";

export const TRACKER_GZIP_BUDGET = 5 * 1024;

const gzipSize = (body: Uint8Array) => gzipSync(body, { level: 9 }).length;

for (const consent of [false, true]) {
  Deno.test(`size: /ea.js as served, gzip with the WASM, fits 5 KB (consent ${consent})`, async () => {
    const t = await createTestApp({ ECHELON_COOKIE_CONSENT: String(consent) });
    const headers = { "accept-language": "en", "sec-fetch-site": "cross-site" };
    for (const path of ["/ea.js", "/ea.js?s=www.example-customer.com"]) {
      const plain = new Uint8Array(await (await t.request(path, { headers })).arrayBuffer());
      const size = gzipSize(plain);
      const loadsBanner = new TextDecoder().decode(plain).includes('"banner"');
      assert.equal(loadsBanner, consent, "the variant of the configuration is measured");
      assert.ok(size <= TRACKER_GZIP_BUDGET, `${path}: ${size} B gzip > ${TRACKER_GZIP_BUDGET} B`);
      // What the server actually sends when the client accepts gzip.
      const served = await t.request(path, { headers: { ...headers, "accept-encoding": "gzip" } });
      assert.equal(served.headers.get("content-encoding"), "gzip");
      const sent = (await served.arrayBuffer()).byteLength;
      assert.ok(
        sent <= TRACKER_GZIP_BUDGET,
        `${path}: served ${sent} B > ${TRACKER_GZIP_BUDGET} B`,
      );
    }
  });
}
