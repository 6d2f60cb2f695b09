// A flood of `GET /ea.js?s=` (each response embeds its own challenge, so it cannot be a cached
// copy) must not slow the hits down: the script is served from a per-site template compressed
// once, with only the challenge added per request (routes/ea.js.ts). Measured against a real
// process: /b.gif p99 while 24 clients fetch the gzipped script back to back, vs without them.
import assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import { spawnServer } from "../_process.ts";
import { percentile, steadyLoad } from "./_load.ts";

const WINDOW_MS = 4000;
const FLOODERS = 24;
/** What a flood may add to /b.gif p99 (the script used to cost a level-9 gzip per request). */
const MARGIN_MS = 8;

Deno.test("fault: /b.gif latency during a flood of /ea.js?s=", async () => {
  const dir = await Deno.makeTempDir();
  const server = await spawnServer({
    ECHELON_DB_PATH: `${dir}/flood.db`,
    ECHELON_RATE_LIMIT_MAX: "0",
  });
  try {
    const hits = (prefix: string) =>
      steadyLoad({
        baseUrl: server.baseUrl,
        site: "flood",
        prefix,
        ratePerSec: 200,
        durationMs: WINDOW_MS,
      });
    // Warm up both paths, and check the flood's answer is a whole, valid script.
    const first = await fetch(`${server.baseUrl}/ea.js?s=flood`, {
      headers: { "accept-encoding": "gzip" },
    });
    assert.equal(first.status, 200);
    await hits("warm");

    const baseline = await hits("baseline");
    let flooding = true;
    let scripts = 0;
    const flood = Array.from({ length: FLOODERS }, async () => {
      while (flooding) {
        const res = await fetch(`${server.baseUrl}/ea.js?s=flood`, {
          headers: { "accept-encoding": "gzip" },
        });
        await res.arrayBuffer();
        assert.equal(res.status, 200);
        scripts++;
      }
    });
    const during = await hits("during");
    flooding = false;
    await Promise.all(flood);

    const lat = (r: typeof baseline) => r.answers.map((a) => a.latencyMs);
    const figures = {
      scripts,
      baselineP50Ms: Math.round(percentile(lat(baseline), 50) * 10) / 10,
      baselineP99Ms: Math.round(percentile(lat(baseline), 99) * 10) / 10,
      duringP50Ms: Math.round(percentile(lat(during), 50) * 10) / 10,
      duringP99Ms: Math.round(percentile(lat(during), 99) * 10) / 10,
    };
    console.log(`/ea.js?s= flood vs ingestion: ${JSON.stringify(figures)}`);
    assert.ok(scripts >= 1000, `a real flood was sent (${scripts} scripts)`);
    assert.equal(during.answers.length, during.sent, "every hit was answered");
    assert.ok(
      figures.duringP99Ms <= figures.baselineP99Ms + MARGIN_MS,
      `p99 ${figures.duringP99Ms} ms during the flood, ${figures.baselineP99Ms} ms without ` +
        `(allowed: + ${MARGIN_MS} ms)`,
    );
  } finally {
    await server.stop("SIGTERM");
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("fault: every /ea.js?s= gzip is a valid stream with its own challenge", async () => {
  const dir = await Deno.makeTempDir();
  const server = await spawnServer({ ECHELON_DB_PATH: `${dir}/gzip.db` });
  try {
    const bodies: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${server.baseUrl}/ea.js?s=flood`, {
        headers: { "accept-encoding": "gzip" },
      });
      // fetch decodes gzip itself: read the raw bytes through a second, identity request too.
      bodies.push(await res.text());
    }
    const raw = await fetch(`${server.baseUrl}/ea.js?s=flood`, {
      headers: { "accept-encoding": "identity" },
    });
    const plain = await raw.text();
    assert.equal(raw.headers.get("content-encoding"), null);
    const challenge = (body: string) => body.match(/"c":"([^"]+)"/)?.[1];
    const challenges = [...bodies, plain].map(challenge);
    assert.ok(challenges.every(Boolean), "each script embeds a challenge");
    assert.equal(new Set(challenges).size, challenges.length, "a fresh challenge each time");
    // Apart from the challenge, the gzipped scripts are the identity one.
    const strip = (body: string) => body.replace(/"c":"[^"]+"/, '"c":""');
    for (const body of bodies) sameText(strip(body), strip(plain));

    // And the encoded bytes decode with a strict gunzip (CRC and length checked).
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
    try {
      await conn.write(
        new TextEncoder().encode(
          `GET /ea.js?s=flood HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n` +
            "Accept-Encoding: gzip\r\nConnection: close\r\n\r\n",
        ),
      );
      const chunks: Uint8Array[] = [];
      const buf = new Uint8Array(65536);
      while (true) {
        const n = await conn.read(buf);
        if (n === null) break;
        chunks.push(buf.slice(0, n));
      }
      const all = new Uint8Array(chunks.reduce((s, c) => s + c.length, 0));
      let at = 0;
      for (const c of chunks) all.set(c, (at += c.length) - c.length);
      const text = new TextDecoder("latin1").decode(all);
      const headerEnd = text.indexOf("\r\n\r\n");
      assert.match(text.slice(0, headerEnd), /content-encoding: gzip/i);
      let body: Uint8Array = all.slice(headerEnd + 4);
      if (/transfer-encoding: chunked/i.test(text.slice(0, headerEnd))) body = dechunk(body);
      const decoded = new TextDecoder().decode(gunzipSync(body));
      sameText(strip(decoded), strip(plain));
    } finally {
      try {
        conn.close();
      } catch {
        // closed by the server
      }
    }
  } finally {
    await server.stop("SIGTERM");
    await Deno.remove(dir, { recursive: true });
  }
});

/** Equal texts, or a failure that shows where they part (not two whole scripts). */
function sameText(actual: string, expected: string): void {
  if (actual === expected) return;
  let at = 0;
  while (actual[at] === expected[at]) at++;
  assert.fail(
    `texts differ at ${at}: ${JSON.stringify(actual.slice(at - 20, at + 40))} vs ` +
      JSON.stringify(expected.slice(at - 20, at + 40)),
  );
}

function dechunk(body: Uint8Array): Uint8Array {
  const out: number[] = [];
  let at = 0;
  const text = new TextDecoder("latin1");
  while (at < body.length) {
    const lineEnd = text.decode(body.slice(at, at + 16)).indexOf("\r\n");
    const size = parseInt(text.decode(body.slice(at, at + lineEnd)), 16);
    at += lineEnd + 2;
    if (size === 0) break;
    out.push(...body.slice(at, at + size));
    at += size + 2;
  }
  return new Uint8Array(out);
}
