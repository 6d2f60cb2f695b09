// The size budget of docs/architecture.md: /ea.js as served, gzip level 9, WASM included, at most 5
// KB. Measured on the app's own response (the normal embed and the per-site one), not on the build,
// in several epochs: each epoch's WASM has other random constants, so its hex (and the gzip) is a
// few bytes longer or shorter, and a script near the edge must fail here every time, not by chance.
import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { EPOCH_MS } from "../lib/pow/params.ts";
import { createTestApp, TEST_SECRET } from "./_helpers.ts";

export const TRACKER_GZIP_BUDGET = 5 * 1024;
/** Epochs measured: enough for the spread of the WASM's constants (about ±5 B of gzip). */
const EPOCHS = 8;

const gzipSize = (body: Uint8Array) => gzipSync(body, { level: 9 }).length;

for (const consent of [false, true]) {
  Deno.test(`size: /ea.js as served, gzip with the WASM, fits 5 KB (consent ${consent})`, async () => {
    const t = await createTestApp({
      ECHELON_COOKIE_CONSENT: String(consent),
      ECHELON_SECRET: TEST_SECRET,
    });
    const headers = { "accept-language": "en", "sec-fetch-site": "cross-site" };
    const largest: Record<string, number> = {};
    const modules = new Set<string>();
    for (let epoch = 0; epoch < EPOCHS; epoch++, t.clock.now += EPOCH_MS) {
      modules.add(t.services.pow.currentModule().hex);
      for (const path of ["/ea.js", "/ea.js?s=www.example-customer.com"]) {
        const plain = new Uint8Array(await (await t.request(path, { headers })).arrayBuffer());
        const loadsBanner = new TextDecoder().decode(plain).includes('"banner"');
        assert.equal(loadsBanner, consent, "the variant of the configuration is measured");
        // What the server actually sends when the client accepts gzip.
        const served = await t.request(path, {
          headers: { ...headers, "accept-encoding": "gzip" },
        });
        assert.equal(served.headers.get("content-encoding"), "gzip");
        const sent = (await served.arrayBuffer()).byteLength;
        for (const [what, size] of [["gzip -9", gzipSize(plain)], ["served", sent]] as const) {
          const key = `${path} ${what}`;
          largest[key] = Math.max(largest[key] ?? 0, size);
        }
      }
    }
    assert.equal(modules.size, EPOCHS, "every epoch measured has its own WASM");
    for (const [what, size] of Object.entries(largest)) {
      assert.ok(size <= TRACKER_GZIP_BUDGET, `${what}: ${size} B > ${TRACKER_GZIP_BUDGET} B`);
    }
  });
}
