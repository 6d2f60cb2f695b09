// Slowloris clients for the fault tests: many TCP connections, from chosen loopback source
// addresses, that each send the start of a request and then one more header line now and then,
// never completing it. Counts what the server did to them (closed, answered 503).
import net from "node:net";

export interface SlowSockets {
  /** Connections that were established. */
  opened: number;
  /** Connections that could not be established (reset or timed out while connecting). */
  failedToConnect: number;
  /** Still open now. */
  open(): number;
  /** Closed by the server (evicted, timed out or refused), as opposed to by us. */
  closedByServer(): number;
  /** Connections that were answered 503 before being closed. */
  refusedWith503(): number;
  /** Closes every socket still open. */
  close(): Promise<void>;
}

export async function openSlowSockets(options: {
  port: number;
  count: number;
  /** Source addresses, used in turn. */
  sources: string[];
  /** How many connects are in flight at once. */
  parallel?: number;
  trickleEveryMs?: number;
}): Promise<SlowSockets> {
  const { port, count, sources, parallel = 200, trickleEveryMs = 5000 } = options;
  const sockets = new Set<net.Socket>();
  let opened = 0;
  let failedToConnect = 0;
  let closedByServer = 0;
  let refused = 0;
  let closing = false;
  const connectOne = (n: number) =>
    new Promise<void>((resolve) => {
      const socket = net.connect({
        host: "127.0.0.1",
        port,
        localAddress: sources[n % sources.length],
      });
      let connected = false;
      let answered = "";
      socket.setTimeout(10_000, () => socket.destroy());
      socket.on("connect", () => {
        connected = true;
        opened++;
        sockets.add(socket);
        socket.setTimeout(0);
        socket.write("GET /b.gif HTTP/1.1\r\nHost: slow\r\n");
        resolve();
      });
      socket.on("data", (chunk) => answered += chunk.toString());
      socket.on("error", () => {});
      socket.on("close", () => {
        sockets.delete(socket);
        if (!connected) {
          failedToConnect++;
          resolve();
        } else if (!closing) {
          closedByServer++;
          if (answered.startsWith("HTTP/1.1 503")) refused++;
        }
      });
    });
  let next = 0;
  await Promise.all(Array.from({ length: parallel }, async () => {
    while (next < count) await connectOne(next++);
  }));
  const trickle = setInterval(() => {
    for (const socket of sockets) if (socket.writable) socket.write("X-Slow: 1\r\n");
  }, trickleEveryMs);
  return {
    opened,
    failedToConnect,
    open: () => sockets.size,
    closedByServer: () => closedByServer,
    refusedWith503: () => refused,
    async close() {
      closing = true;
      clearInterval(trickle);
      const all = [...sockets].map((socket) =>
        new Promise<void>((resolve) => {
          socket.once("close", () => resolve());
          socket.destroy();
        })
      );
      await Promise.all(all);
    },
  };
}
