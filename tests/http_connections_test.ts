// The connection layer (lib/http/serve.ts) over real sockets, in-process with short timeouts: a
// trickled header is cut at the header timeout; an idle keep-alive connection at the idle timeout,
// while a slow streamed response is never cut; a body trickled past its deadline gets 408; one
// client over its cap is refused while others are served; at the total cap the connection waiting
// longest is evicted for a new one, and busy connections are never evicted; shutdown answers
// what is in flight. Also the pure parts: per-client keys and the default cap.
import assert from "node:assert/strict";
import { clientKey } from "../lib/ingest/client_ip.ts";
import { denoServeConnection } from "../lib/http/deno_internal.ts";
import {
  connectionsFittingFdLimit,
  defaultMaxConnections,
  openFileLimit,
} from "../lib/http/fd_limit.ts";
import { type Handler, type HttpServer, serveHttp, type ServeOptions } from "../lib/http/serve.ts";
import { readBodyCapped } from "../lib/http_body.ts";
import { createLogger } from "../lib/log.ts";
import { answered, probe, trickle, within } from "./_sockets.ts";
import { jsonError } from "../lib/http_error.ts";
import { HttpError } from "../lib/http_error.ts";

const LIMITS = {
  maxConnections: 100,
  maxConnectionsPerClient: 100,
  headerTimeoutMs: 400,
  idleTimeoutMs: 400,
};
/** Timeouts are swept every tenth of the shorter one; allow that and a loaded machine. */
const SLACK_MS = 1500;

function start(handler: Handler, options: Partial<ServeOptions> = {}): HttpServer {
  return serveHttp(handler, {
    hostname: "127.0.0.1",
    port: 0,
    limits: LIMITS,
    bodyTimeoutMs: 400,
    log: createLogger({ quiet: true }),
    ...options,
  });
}

const hello: Handler = () => new Response("hello");

const socketTest = (name: string, fn: () => Promise<void>) =>
  Deno.test({ name, fn, sanitizeOps: false, sanitizeResources: false });

socketTest("connections: a trickled header is cut at the header timeout", async () => {
  let calls = 0;
  const server = start(() => (calls++, new Response("served")));
  try {
    const slow = await probe(server.addr.port);
    const opened = performance.now();
    trickle(slow, 50);
    const closedAt = await within(slow.closed, LIMITS.headerTimeoutMs + SLACK_MS, "cut");
    assert.ok(closedAt - opened >= LIMITS.headerTimeoutMs - 20, `cut after ${closedAt - opened}`);
    assert.equal(slow.received(), "", "nothing was answered");
    assert.equal(calls, 0);
    assert.equal(server.stats().header_timeouts, 1);
    assert.equal(server.stats().open, 0);
  } finally {
    await server.shutdown();
  }
});

socketTest(
  "connections: idle keep-alive is closed at the idle timeout, a slow stream is not cut",
  async () => {
    const CHUNKS = 12;
    const server = start((req) => {
      if (new URL(req.url).pathname !== "/stream") return new Response("fast");
      let sent = 0;
      // 12 chunks 100 ms apart: the response takes three idle timeouts.
      return new Response(
        new ReadableStream({
          async pull(controller) {
            await new Promise((r) => setTimeout(r, 100));
            if (sent++ < CHUNKS) controller.enqueue(new TextEncoder().encode(`chunk ${sent}\n`));
            else controller.close();
          },
        }),
      );
    });
    try {
      const idle = await probe(server.addr.port);
      const streaming = await probe(server.addr.port);
      idle.send("GET /fast HTTP/1.1\r\nHost: x\r\n\r\n");
      streaming.send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n");
      await within(idle.closed, LIMITS.idleTimeoutMs + SLACK_MS, "idle close");
      assert.match(idle.received(), /^HTTP\/1\.1 200[\s\S]*fast$/);
      assert.equal(streaming.socket.destroyed, false, "the stream is still open");
      assert.ok(!streaming.received().includes(`chunk ${CHUNKS}\n`), "and still running");

      await within(streaming.closed, 1300 + LIMITS.idleTimeoutMs + SLACK_MS, "the stream ends");
      const body = streaming.received();
      for (let n = 1; n <= CHUNKS; n++) assert.ok(body.includes(`chunk ${n}\n`), `chunk ${n}`);
      assert.match(body, /0\r\n\r\n$/, "the chunked body ended properly");
      assert.equal(server.stats().idle_timeouts, 2);
    } finally {
      await server.shutdown();
    }
  },
);

socketTest("connections: a body trickled past its deadline is refused with 408", async () => {
  const server = start(async (req) => {
    try {
      const body = await readBodyCapped(req, 4096);
      return new Response(`read ${body.length}`);
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      return jsonError(error.status, error.code, error.message);
    }
  });
  try {
    const fast = await fetch(`http://127.0.0.1:${server.addr.port}/`, {
      method: "POST",
      body: "x".repeat(100),
    });
    assert.equal(await fast.text(), "read 100");

    const slow = await probe(server.addr.port);
    const started = performance.now();
    slow.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n0123456789");
    const timer = setInterval(() => slow.socket.writable && slow.send("x"), 50);
    try {
      await within(slow.closed, 400 + SLACK_MS + 1000, "408 and close");
    } finally {
      clearInterval(timer);
    }
    assert.ok(performance.now() - started >= 400 - 20);
    assert.match(slow.received(), /^HTTP\/1\.1 408[\s\S]*"error":"request_timeout"/);
  } finally {
    await server.shutdown();
  }
});

socketTest(
  "connections: one client over its cap is refused, other clients are served",
  async () => {
    const server = start(hello, {
      limits: { ...LIMITS, maxConnectionsPerClient: 3, headerTimeoutMs: 10_000 },
      isProxy: (address) => address === "127.0.0.3",
    });
    const port = server.addr.port;
    try {
      const held = await Promise.all([1, 2, 3].map(() => probe(port, "127.0.0.2")));
      held.forEach((p) => trickle(p, 1000));
      const excess = await probe(port, "127.0.0.2");
      await within(excess.closed, 2000, "the excess connection is closed");
      assert.match(excess.received(), /^HTTP\/1\.1 503[\s\S]*"too_many_connections_from_client"/);

      const other = await fetch(`http://127.0.0.1:${port}/`);
      assert.equal(await other.text(), "hello");
      // A trusted proxy carries many clients: no per-client cap.
      const proxied = await Promise.all([1, 2, 3, 4, 5].map(() => probe(port, "127.0.0.3")));
      proxied.forEach((p) => p.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
      await Promise.all(proxied.map((p) => answered(p, "hello")));
      for (const p of held) assert.equal(p.socket.destroyed, false, "held connections stay");
      const stats = server.stats();
      assert.equal(stats.refused_per_client, 1);
      assert.equal(stats.refused_at_capacity, 0);
      [...held, ...proxied].forEach((p) => p.socket.destroy());
    } finally {
      await server.shutdown();
    }
  },
);

socketTest(
  "connections: at the cap the oldest waiting connection is evicted, never a busy one",
  async () => {
    const gate = Promise.withResolvers<void>();
    const server = start(async (req) => {
      if (new URL(req.url).pathname === "/hold") await gate.promise;
      return new Response("done");
    }, { limits: { ...LIMITS, maxConnections: 3, headerTimeoutMs: 10_000 } });
    const port = server.addr.port;
    try {
      const slow = [];
      for (const source of ["127.0.0.2", "127.0.0.3", "127.0.0.4"]) {
        const p = await probe(port, source);
        trickle(p, 1000);
        slow.push(p);
        await new Promise((r) => setTimeout(r, 20)); // accepted in this order
      }
      const res = await fetch(`http://127.0.0.1:${port}/`, { headers: { connection: "close" } });
      assert.equal(await res.text(), "done");
      await within(slow[0].closed, 2000, "the oldest slow connection is evicted");
      assert.equal(slow[1].socket.destroyed, false);
      assert.equal(server.stats().evicted, 1);

      // Three requests in flight fill the cap: a fourth connection is refused, none is cut.
      slow.forEach((p) => p.socket.destroy());
      await new Promise((r) => setTimeout(r, 100));
      const busy = await Promise.all([1, 2, 3].map(() => probe(port)));
      busy.forEach((p) => p.send("GET /hold HTTP/1.1\r\nHost: x\r\n\r\n"));
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(server.stats().busy, 3);
      const refused = await probe(port, "127.0.0.5");
      await within(refused.closed, 2000, "the fourth connection is refused");
      assert.match(refused.received(), /^HTTP\/1\.1 503[\s\S]*"too_many_connections"/);
      gate.resolve();
      await Promise.all(busy.map((p) => answered(p, "done")));
      busy.forEach((p) => p.socket.destroy());
      assert.equal(server.stats().refused_at_capacity, 1);
    } finally {
      await server.shutdown();
    }
  },
);

socketTest(
  "connections: shutdown answers what is in flight and closes idle connections",
  async () => {
    const gate = Promise.withResolvers<void>();
    const server = start(async () => {
      await gate.promise;
      return new Response("finished");
    }, { limits: { ...LIMITS, idleTimeoutMs: 60_000, headerTimeoutMs: 60_000 } });
    const port = server.addr.port;
    const idle = await probe(port);
    const inFlight = fetch(`http://127.0.0.1:${port}/`);
    await new Promise((r) => setTimeout(r, 100));
    const stopped = server.shutdown();
    await within(idle.closed, 1000, "the idle connection is closed at once");
    gate.resolve();
    const res = await inFlight;
    assert.equal(await res.text(), "finished");
    await within(stopped, 2000, "shutdown finishes");
    await within(server.finished, 100, "finished settles");
    await assert.rejects(Deno.connect({ hostname: "127.0.0.1", port }), "no longer accepting");
  },
);

socketTest(
  "connections: without Deno's per-connection server it falls back to Deno.serve",
  async () => {
    const lines: string[] = [];
    const log = {
      ...createLogger({ quiet: true }),
      warn: (message: string) => lines.push(message),
    };
    const server = start(hello, { serveConnection: null, log });
    try {
      const res = await fetch(`http://127.0.0.1:${server.addr.port}/`);
      assert.equal(await res.text(), "hello");
      assert.equal(server.stats().mode, "deno_serve");
      assert.equal(server.stats().max_connections, null);
      assert.match(lines.join("\n"), /without header\/idle timeouts or connection caps/);
    } finally {
      await server.shutdown();
    }
  },
);

Deno.test("connections: per-client keys: IPv4 as is, IPv6 by its /64", () => {
  assert.equal(clientKey("203.0.113.9"), "203.0.113.9");
  assert.equal(clientKey("::ffff:203.0.113.9"), "203.0.113.9");
  assert.equal(clientKey("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
  assert.equal(clientKey("2001:DB8:1:2:bbbb:cccc:dddd:eeee"), "2001:db8:1:2::/64");
  assert.equal(clientKey("2001:db8::1"), "2001:db8:0:0::/64");
  assert.equal(clientKey("::1"), "0:0:0:0::/64");
  assert.equal(clientKey("fe80::1%eth0"), "fe80:0:0:0::/64");
  assert.equal(clientKey("64:ff9b::192.0.2.1"), "64:ff9b:0:0::/64");
});

Deno.test("connections: the default cap leaves descriptors for the database and the rest", () => {
  const limits = (soft: string) =>
    `Limit                     Soft Limit           Hard Limit           Units     \n` +
    `Max cpu time              unlimited            unlimited            seconds   \n` +
    `Max open files            ${soft}                 524288               files     \n`;
  assert.equal(openFileLimit(() => limits("1024")), 1024);
  assert.equal(openFileLimit(() => limits("unlimited")), Number.MAX_SAFE_INTEGER);
  assert.equal(openFileLimit(() => "garbage"), null);
  assert.equal(
    openFileLimit(() => {
      throw new Error("no /proc");
    }),
    null,
  );
  assert.equal(openFileLimit() !== null, Deno.build.os === "linux");
  assert.equal(defaultMaxConnections(1024), 896);
  assert.equal(defaultMaxConnections(256), 128);
  assert.equal(defaultMaxConnections(null), 896);
  assert.equal(defaultMaxConnections(20_000), 4096);
  assert.equal(defaultMaxConnections(100), 16);
  assert.equal(connectionsFittingFdLimit(20_000), 17_500, "what ECHELON_MAX_CONNECTIONS may use");
});

socketTest("connections: cutting a connection that is already closing never throws", async () => {
  const serve = denoServeConnection();
  assert.ok(serve, "Deno 2.9.6 exposes its per-connection server");
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const client = await Deno.connect({ hostname: "127.0.0.1", port: listener.addr.port });
  const served = serve(await listener.accept(), hello, () => new Response("error"));
  // A graceful shutdown takes the connection's resource: Deno's own cancel listener then throws
  // BadResource, which would be an uncaught error (the test runner fails on one).
  served.shutdown();
  await served.finished;
  served.cut();
  served.cut();
  await new Promise((r) => setTimeout(r, 50));
  client.close();
  listener.close();
});
