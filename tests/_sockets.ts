// Raw client sockets for the connection tests: a probe records what it receives and when the
// server closed it; `trickle` makes it a slowloris client; `answered` and `within` bound a wait.
import net from "node:net";

/** A raw client socket from `localAddress`, recording what it receives and when it is closed. */
export interface Probe {
  socket: net.Socket;
  send(text: string): void;
  received(): string;
  /** Resolves with performance.now() when the server closed (or reset) the connection. */
  closed: Promise<number>;
}

export function probe(port: number, localAddress = "127.0.0.1"): Promise<Probe> {
  return new Promise((resolve, reject) => {
    let data = "";
    let markClosed: (at: number) => void;
    const closed = new Promise<number>((r) => markClosed = r);
    const socket = net.connect({ host: "127.0.0.1", port, localAddress }, () =>
      resolve({
        socket,
        send: (text) => socket.write(text),
        received: () => data,
        closed,
      }));
    socket.on("data", (chunk) => data += chunk.toString());
    socket.on("error", () => {});
    socket.on("close", () => markClosed(performance.now()));
    socket.once("error", reject);
  });
}

/** Sends a header line every `everyMs` until the connection closes (a slowloris client). */
export function trickle(p: Probe, everyMs: number): void {
  p.send("GET / HTTP/1.1\r\nHost: x\r\n");
  const timer = setInterval(() => p.socket.writable && p.send("X-Slow: 1\r\n"), everyMs);
  p.closed.then(() => clearInterval(timer));
}

/** Resolves once what the probe received ends with `text` (a complete answer). */
export async function answered(p: Probe, text: string, timeoutMs = 2000): Promise<void> {
  const wait = async () => {
    while (!p.received().endsWith(text)) await new Promise((r) => setTimeout(r, 10));
  };
  await within(wait(), timeoutMs, `an answer ending with ${JSON.stringify(text)}`);
}

export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}
