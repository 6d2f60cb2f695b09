// Text responses are compressed (br preferred, else gzip) when the client accepts it, small ones
// are not, tracking responses keep their own encoding, and a streamed CSV is gzip-streamed.
import assert from "node:assert/strict";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { chooseCoding, compressResponse } from "../lib/compress.ts";
import { AUTH_ENV, loginCookie } from "./_auth.ts";
import { createTestApp } from "./_helpers.ts";

Deno.test("compress: Accept-Encoding negotiation prefers br, honours q=0", () => {
  assert.equal(chooseCoding("gzip, deflate, br, zstd"), "br");
  assert.equal(chooseCoding("gzip"), "gzip");
  assert.equal(chooseCoding("br;q=0, gzip"), "gzip");
  assert.equal(chooseCoding("*"), "gzip");
  assert.equal(chooseCoding("identity"), null);
  assert.equal(chooseCoding(null), null);
});

Deno.test("compress: an admin page is sent br or gzip, and decodes to the same HTML", async () => {
  const t = await createTestApp(AUTH_ENV);
  const cookie = await loginCookie(t);
  const plain = await t.request("/admin", { headers: { cookie } });
  const html = await plain.text();
  assert.equal(plain.headers.get("content-encoding"), null);
  assert.match(plain.headers.get("vary") ?? "", /Accept-Encoding/);
  assert.ok(html.length > 1024);
  const br = await t.request("/admin", { headers: { cookie, "accept-encoding": "gzip, br" } });
  assert.equal(br.headers.get("content-encoding"), "br");
  const brBytes = new Uint8Array(await br.arrayBuffer());
  assert.ok(brBytes.length < html.length / 2, `${brBytes.length} of ${html.length}`);
  const decoded = new TextDecoder().decode(brotliDecompressSync(brBytes));
  assert.equal(decoded, html);
  const gz = await t.request("/admin", { headers: { cookie, "accept-encoding": "gzip" } });
  assert.equal(gz.headers.get("content-encoding"), "gzip");
  assert.match(
    new TextDecoder().decode(gunzipSync(new Uint8Array(await gz.arrayBuffer()))),
    /<html/,
  );
});

Deno.test("compress: small bodies and tracking responses are left alone", async () => {
  const t = await createTestApp();
  const health = await t.request("/api/health", { headers: { "accept-encoding": "br" } });
  assert.equal(health.headers.get("content-encoding"), null, "a few bytes of JSON");
  assert.equal((await health.json()).status, "ok");
  const pixel = await t.request("/b.gif?p=%2F&s=x", { headers: { "accept-encoding": "br" } });
  assert.equal(pixel.headers.get("content-encoding"), null);
  assert.equal((await pixel.arrayBuffer()).byteLength, 43);
  const script = await t.request("/ea.js", { headers: { "accept-encoding": "br, gzip" } });
  assert.equal(script.headers.get("content-encoding"), "gzip", "the tracker's own gzip");
  await script.body?.cancel();
});

Deno.test("compress: a CSV stream is gzip-streamed without a length", async () => {
  const rows = Array.from({ length: 5000 }, (_, i) => `row,${i}\n`);
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent === rows.length) return controller.close();
      controller.enqueue(new TextEncoder().encode(rows.slice(sent, sent + 500).join("")));
      sent += 500;
    },
  });
  const req = new Request("http://x/api/export/views.csv", {
    headers: { "accept-encoding": "br" },
  });
  const res = await compressResponse(
    req,
    new Response(body, { headers: { "content-type": "text/csv; charset=utf-8" } }),
  );
  assert.equal(res.headers.get("content-encoding"), "gzip");
  assert.equal(res.headers.get("content-length"), null);
  const text = new TextDecoder().decode(gunzipSync(new Uint8Array(await res.arrayBuffer())));
  assert.equal(text, rows.join(""));
});
