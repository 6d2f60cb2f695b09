// The real process bounds slow and idle connections (issue 13, item 2): with short timeouts set
// through the environment, a header trickled a line at a time is cut at the header timeout and
// answers nothing, an idle keep-alive connection is closed at the idle timeout, and an event body
// trickled past its deadline gets 408 and loses the connection; /api/health counts each.
import assert from "node:assert/strict";
import { spawnServer } from "./_process.ts";
import { probe, trickle, within } from "./_sockets.ts";

const HEADER_MS = 500;
const IDLE_MS = 800;
const BODY_MS = 600;
/** The sweep runs every tenth of the shorter timeout; the rest is a loaded machine. */
const SLACK_MS = 1500;

Deno.test({
  name: "process: slow headers, idle keep-alive and slow bodies are cut at their timeouts",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const dir = await Deno.makeTempDir();
    const server = await spawnServer({
      ECHELON_DB_PATH: `${dir}/t.db`,
      ECHELON_HEADER_TIMEOUT_MS: String(HEADER_MS),
      ECHELON_IDLE_TIMEOUT_MS: String(IDLE_MS),
      ECHELON_BODY_TIMEOUT_MS: String(BODY_MS),
    });
    try {
      const slowHeader = await probe(server.port);
      const idle = await probe(server.port);
      const slowBody = await probe(server.port);
      const started = performance.now();
      trickle(slowHeader, 100);
      idle.send("GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n");
      slowBody.send(
        "POST /e HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" +
          'Content-Length: 500\r\n\r\n{"type":"click"',
      );
      const drip = setInterval(() => slowBody.socket.writable && slowBody.send(" "), 100);
      const [headerCut, idleCut, bodyCut] = await within(
        Promise.all([slowHeader.closed, idle.closed, slowBody.closed]),
        Math.max(HEADER_MS, IDLE_MS, BODY_MS) + SLACK_MS,
        "every slow connection is closed",
      ).finally(() => clearInterval(drip));

      assert.ok(headerCut - started >= HEADER_MS - 50, `header cut after ${headerCut - started}`);
      assert.equal(slowHeader.received(), "", "the trickled request was never answered");
      assert.match(idle.received(), /^HTTP\/1\.1 200 /);
      assert.ok(idleCut - started >= IDLE_MS - 50, `idle cut after ${idleCut - started}`);
      assert.ok(bodyCut - started >= BODY_MS - 50, `body cut after ${bodyCut - started}`);
      assert.match(slowBody.received(), /^HTTP\/1\.1 408 [\s\S]*"error":"request_timeout"/);

      const health = await (await fetch(`${server.baseUrl}/api/health`)).json();
      assert.equal(health.connections.mode, "managed");
      assert.equal(health.connections.header_timeouts, 1);
      assert.ok(health.connections.idle_timeouts >= 1);
      assert.equal((await server.stop()).code, 0, server.log());
    } finally {
      await server.stop("SIGKILL").catch(() => {});
      await Deno.remove(dir, { recursive: true });
    }
  },
});
