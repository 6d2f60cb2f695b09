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
    const controller = new AbortController();
    const server = serveOn(conn, guardedSignal(controller), handler, onError, () => {});
    return {
      finished: server.finished.catch(() => {}),
      shutdown: () => void server.shutdown().catch(() => {}),
      cut: () => controller.abort(),
    };
  };
}

/**
 * The signal Deno's server cuts the connection on. Its "abort" listener cancels the connection's
 * resource, and throws BadResource when that is closed already (the peer left a moment ago, or a
 * graceful shutdown took it); Deno reports an error thrown in an event listener as uncaught and
 * exits. So each listener added to this signal is wrapped to drop exactly that error.
 */
function guardedSignal(controller: AbortController): AbortSignal {
  const signal = controller.signal;
  const add = signal.addEventListener.bind(signal);
  signal.addEventListener = (
    type: string,
    listener: EventListenerOrEventListenerObject,
    options?: boolean | AddEventListenerOptions,
  ) => {
    add(type, function (this: AbortSignal, event: Event) {
      try {
        if (typeof listener === "function") listener.call(this, event);
        else listener.handleEvent(event);
      } catch (error) {
        if (!(error instanceof Deno.errors.BadResource)) throw error;
      }
    }, options);
  };
  return signal;
}
