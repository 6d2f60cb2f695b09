// A flood of `GET /ea.js?s=` (each response embeds its own challenge, so it cannot be a cached
// copy) must cost the server no more than a flood of the cached script: the `?s=` script is
// served from a per-site template compressed once, with only the challenge added per request
// (routes/ea.js.ts, lib/gzip_template.ts). Measured against a real process, with the flood sent
// by another process: the server's CPU time per script and /b.gif p99, for `/ea.js?s=` against
// the cached `/ea.js` in the same run (before the template, a level-9 gzip per request cost 2-3×
// the cached script's CPU and doubled the hits' p99).
import assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import { spawnServer } from "../_process.ts";
import { percentile, steadyLoad } from "./_load.ts";

const WINDOW_MS = 4000;
const FLOODERS = "24";
const FLOOD = new URL("./_flood.ts", import.meta.url).pathname;
/** CPU per `?s=` script over CPU per cached script. */
const MAX_CPU_RATIO = 1.5;
/** What the `?s=` flood may add to /b.gif p99 over the cached script's flood. */
const MARGIN_MS = 10;

/** The process's user + system CPU time in ms (Linux /proc, clock ticks of 10 ms). */
async function cpuMs(pid: number): Promise<number> {
  const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

Deno.test("fault: a flood of /ea.js?s= costs no more than one of the cached script", async () => {
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
    const flood = async (path: string) => {
      const before = await cpuMs(server.child.pid);
      const out = new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-A",
          FLOOD,
          `${server.baseUrl}${path}`,
          FLOODERS,
          String(WINDOW_MS),
          "accept-encoding:gzip",
        ],
        stdout: "piped",
        stderr: "inherit",
      }).output();
      const during = await hits(path.includes("?") ? "challenge" : "cached");
      const { answers, failures } = JSON.parse(new TextDecoder().decode((await out).stdout));
      const cpu = await cpuMs(server.child.pid) - before;
      assert.equal(failures, 0, `${path}: every script answered`);
      assert.equal(during.answers.length, during.sent, "every hit was answered");
      const lat = during.answers.map((a) => a.latencyMs);
      return {
        scripts: answers,
        cpuUsPerScript: Math.round((cpu * 1000) / answers),
        p99Ms: Math.round(percentile(lat, 99) * 10) / 10,
      };
    };
    await hits("warm");
    const cached = await flood("/ea.js");
    const challenge = await flood("/ea.js?s=flood");
    console.log(`/ea.js flood vs /ea.js?s= flood: ${JSON.stringify({ cached, challenge })}`);
    assert.ok(challenge.scripts >= 1000, `a real flood was sent (${challenge.scripts} scripts)`);
    assert.ok(
      challenge.cpuUsPerScript <= cached.cpuUsPerScript * MAX_CPU_RATIO,
      `${challenge.cpuUsPerScript} µs of server CPU per ?s= script, ${cached.cpuUsPerScript} µs ` +
        `per cached one (allowed: × ${MAX_CPU_RATIO})`,
    );
    assert.ok(
      challenge.p99Ms <= cached.p99Ms + MARGIN_MS,
      `/b.gif p99 ${challenge.p99Ms} ms during the ?s= flood, ${cached.p99Ms} ms during the ` +
        `cached one (allowed: + ${MARGIN_MS} ms)`,
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
