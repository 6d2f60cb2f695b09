// Deno's per-connection HTTP server: the native hyper path behind Deno.serve, applied to one
// accepted `Deno.Conn`. Deno.serve has no header/idle timeout and no connection cap
// (denoland/deno#3515), and its accept loop, which runs in Rust, stops for good on EMFILE; Deno's
// node:http polyfill serves connections it accepted itself through this internal function, and
// so does lib/http/serve.ts. Deno 2.9.6 has it; another version may not (then: null).

export type ConnectionHandler = (
  req: Request,
  info: Deno.ServeHandlerInfo<Deno.NetAddr>,
) => Response | Promise<Response>;

/** One connection being served. No method throws, also once the connection is gone. */
export interface ServedConnection {
  /** Settles when the connection is closed, by either side. */
  finished: Promise<void>;
  /** Answers what is in flight, then closes (at once when nothing is). It cannot be cut after. */
  shutdown(): void;
  /** Closes at once, whatever is in flight. */
  cut(): void;
}

export type ServeConnection = (
  conn: Deno.Conn,
  handler: ConnectionHandler,
  onError: (error: unknown) => Response | Promise<Response>,
) => ServedConnection;

interface InternalServer {
  finished: Promise<void>;
  shutdown(): Promise<void>;
}

type ServeHttpOnConnection = (
  conn: Deno.Conn,
  signal: AbortSignal,
  handler: ConnectionHandler,
  onError: (error: unknown) => Response | Promise<Response>,
  onListen: () => void,
) => InternalServer;

/** Deno's per-connection server, or null when this Deno does not expose it. */
export function denoServeConnection(): ServeConnection | null {
  // deno-lint-ignore no-explicit-any
  const deno = Deno as any;
  const internals = deno.internal === undefined ? undefined : deno[deno.internal];
  const serveOn = internals?.serveHttpOnConnection as ServeHttpOnConnection | undefined;
  if (typeof serveOn !== "function" || serveOn.length !== 5) return null;
  return (conn, handler, onError) => {
    const cancel = new CancelHook();
    const server = serveOn(conn, cancel as unknown as AbortSignal, handler, onError, () => {});
    return {
      finished: server.finished.catch(() => {}),
      shutdown: () => void server.shutdown().catch(() => {}),
      cut: () => cancel.run(),
    };
  };
}

/**
 * Stands in for the AbortSignal that Deno's per-connection server takes: the server only adds an
 * "abort" listener to it, which cancels the connection. A real AbortController costs about as
 * much as the rest of a connection's setup, and that listener throws BadResource when the
 * connection's resource is closed already (the peer left a moment ago, or a graceful shutdown
 * took it), which Deno would report as an uncaught error and exit on. Here the listener is kept
 * and run once, inside a try.
 */
class CancelHook {
  readonly aborted = false;
  #listener: (() => void) | null = null;

  addEventListener(type: string, listener: () => void): void {
    if (type === "abort") this.#listener = listener;
  }

  removeEventListener(): void {}

  run(): void {
    const listener = this.#listener;
    this.#listener = null;
    try {
      listener?.();
    } catch (error) {
      if (!(error instanceof Deno.errors.BadResource)) throw error;
    }
  }
}
