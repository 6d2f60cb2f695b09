// Serves HTTP on connections this process accepts itself, so that it can bound them: Deno.serve
// has no header or idle timeout and no connection cap, and its native accept loop dies on EMFILE
// (the process then exits on the unhandled rejection). Here a JS accept loop takes each connection
// from Deno.listen, admits it through the ConnectionTable (caps, eviction, timeouts) and hands it
// to Deno's own per-connection server (the native hyper path, lib/http/deno_internal.ts). An accept
// error (EMFILE, ENFILE, ECONNABORTED, ...) is retried after a short back-off, never fatal.
// Without that internal (another Deno version) it falls back to Deno.serve, unbounded, and says so.
import type { Logger } from "../log.ts";
import { setBodyDeadline } from "./body_deadline.ts";
import {
  type CloseReason,
  type ConnectionLimits,
  ConnectionTable,
  type Refusal,
} from "./connection_table.ts";
import {
  type ConnectionHandler,
  denoServeConnection,
  type ServeConnection,
  type ServedConnection,
} from "./deno_internal.ts";

export type Handler = ConnectionHandler;

export interface ServeOptions {
  hostname: string;
  port: number;
  limits: ConnectionLimits;
  /** From the end of a request's headers until its body must be complete. */
  bodyTimeoutMs: number;
  /** Peers that carry many clients (trusted proxies): exempt from the per-client cap. */
  isProxy?: (address: string) => boolean;
  log: Logger;
  /** Deno's per-connection server by default; null forces the Deno.serve fallback (tests). */
  serveConnection?: ServeConnection | null;
}

/** What /api/health shows of the connection layer; null where the fallback cannot tell. */
export interface ConnectionStats {
  mode: "managed" | "deno_serve";
  open: number | null;
  waiting_for_request: number | null;
  idle: number | null;
  busy: number | null;
  clients: number | null;
  max_connections: number | null;
  max_connections_per_client: number | null;
  header_timeout_ms: number | null;
  idle_timeout_ms: number | null;
  accepted: number | null;
  refused_at_capacity: number;
  refused_per_client: number;
  evicted: number;
  header_timeouts: number;
  idle_timeouts: number;
  accept_errors: number;
}

export interface HttpServer {
  readonly addr: Deno.NetAddr;
  /** Settles once the server stopped accepting and every connection is closed. */
  readonly finished: Promise<void>;
  /** Stops accepting; each connection is closed once its in-flight requests are answered. */
  shutdown(): Promise<void>;
  stats(): ConnectionStats;
}

export function serveHttp(handler: Handler, options: ServeOptions): HttpServer {
  const serveOn = options.serveConnection === undefined
    ? denoServeConnection()
    : options.serveConnection;
  return serveOn
    ? new ManagedServer(handler, options, serveOn)
    : serveWithDenoServe(handler, options);
}

const ACCEPT_BACKOFF_MS = { first: 5, max: 1000 };
/** Accept failures this far apart belong to one burst (one log line at each end). */
const ACCEPT_QUIET_MS = 5000;
/** After a 408 for a body that did not arrive, the time the answer gets to leave before the cut. */
const CUT_AFTER_408_MS = 200;
/** How long the accept loop waits at most for an evicted connection to close. */
const EVICTION_WAIT_MS = 20;
/** Refusals and evictions are logged at most this often (they come in floods). */
const PRESSURE_LOG_EVERY_MS = 60_000;

class ManagedServer implements HttpServer {
  readonly addr: Deno.NetAddr;
  readonly finished: Promise<void>;
  readonly #handler: Handler;
  readonly #options: ServeOptions;
  readonly #serveOn: ServeConnection;
  readonly #listener: Deno.TcpListener;
  readonly #table: ConnectionTable;
  readonly #serving = new Set<Promise<void>>();
  readonly #sweeper: ReturnType<typeof setInterval>;
  #stopping = false;
  #acceptErrors = 0;
  #acceptBurst: { since: number; last: number; errors: number } | null = null;
  #lastPressureLog = -Infinity;
  #evictedClosing: Promise<void> | null = null;

  constructor(handler: Handler, options: ServeOptions, serveOn: ServeConnection) {
    this.#handler = handler;
    this.#options = options;
    this.#serveOn = serveOn;
    this.#table = new ConnectionTable(options.limits, { isProxy: options.isProxy });
    this.#listener = Deno.listen({ hostname: options.hostname, port: options.port });
    this.addr = this.#listener.addr;
    // Timeouts are checked by one sweep, not a timer per connection: precise to a tenth of the
    // shorter timeout (at most 1 s), and nothing to re-arm on each keep-alive request.
    const { headerTimeoutMs, idleTimeoutMs } = options.limits;
    const every = Math.min(1000, Math.max(20, Math.min(headerTimeoutMs, idleTimeoutMs) / 10));
    this.#sweeper = setInterval(() => {
      this.#table.sweep();
      this.#noteAcceptRecovery();
    }, every);
    Deno.unrefTimer(this.#sweeper);
    this.finished = this.#acceptLoop().then(async () => {
      while (this.#serving.size > 0) await Promise.all(this.#serving);
    });
  }

  shutdown(): Promise<void> {
    if (!this.#stopping) {
      this.#stopping = true;
      clearInterval(this.#sweeper);
      try {
        this.#listener.close();
      } catch { /* already closed */ }
      this.#table.closeAll();
    }
    return this.finished;
  }

  stats(): ConnectionStats {
    const limits = this.#options.limits;
    const c = this.#table.counters;
    return {
      mode: "managed",
      ...this.#table.stats(),
      max_connections: limits.maxConnections,
      max_connections_per_client: limits.maxConnectionsPerClient,
      header_timeout_ms: limits.headerTimeoutMs,
      idle_timeout_ms: limits.idleTimeoutMs,
      accepted: c.accepted,
      refused_at_capacity: c.refusedAtCapacity,
      refused_per_client: c.refusedPerClient,
      evicted: c.evicted,
      header_timeouts: c.headerTimeouts,
      idle_timeouts: c.idleTimeouts,
      accept_errors: this.#acceptErrors,
    };
  }

  // A burst of accept failures is logged once when it starts and once when ACCEPT_QUIET_MS passed
  // without one (checked by the sweep); the failures in between are only counted (accept_errors).
  #noteAcceptFailure(error: Error, code: string): void {
    const now = performance.now();
    if (this.#acceptBurst === null) {
      this.#acceptBurst = { since: now, last: now, errors: 0 };
      this.#options.log.warn(`accept failed, retrying: ${error.message}`, { code });
    }
    this.#acceptBurst.errors++;
    this.#acceptBurst.last = now;
  }

  #noteAcceptRecovery(): void {
    const burst = this.#acceptBurst;
    if (burst === null || performance.now() - burst.last < ACCEPT_QUIET_MS) return;
    this.#acceptBurst = null;
    const ms = Math.round(burst.last - burst.since);
    this.#options.log.info(`accept recovered: ${burst.errors} failures over ${ms} ms`);
  }

  async #acceptLoop(): Promise<void> {
    let backoffMs = ACCEPT_BACKOFF_MS.first;
    while (!this.#stopping) {
      let conn: Deno.TcpConn;
      try {
        conn = await this.#listener.accept();
      } catch (error) {
        if (this.#stopping || error instanceof Deno.errors.BadResource) return;
        this.#acceptErrors++;
        const code = (error as { code?: string }).code ?? "";
        this.#noteAcceptFailure(error as Error, code);
        // Out of descriptors: the connection that waited longest for a request gives its up, so
        // the next accept (a real visitor, perhaps) can succeed.
        if (code === "EMFILE" || code === "ENFILE") this.#table.evictOldestWaiting();
        await new Promise((resolve) => setTimeout(resolve, backoffMs));
        backoffMs = Math.min(ACCEPT_BACKOFF_MS.max, backoffMs * 2);
        continue;
      }
      backoffMs = ACCEPT_BACKOFF_MS.first;
      try {
        this.#serve(conn);
      } catch (error) {
        // Nothing about one connection may end the loop (the peer may be gone already).
        this.#options.log.debug("a connection could not be served", { error: String(error) });
        try {
          conn.close();
        } catch { /* closed already */ }
      }
      // A connection evicted for this one closes its descriptor a moment later: wait for that
      // (briefly) before accepting again, so a flood of connections cannot outrun the closes
      // and take the descriptors SQLite and the rest need.
      const evicted = this.#evictedClosing;
      if (evicted) {
        this.#evictedClosing = null;
        await Promise.race([evicted, new Promise((r) => setTimeout(r, EVICTION_WAIT_MS))]);
      }
    }
  }

  #serve(conn: Deno.TcpConn): void {
    const table = this.#table;
    // Waiting connections are cut: nothing is in flight (a response hyper still writes after
    // `completed` is cut if its reader stalls for the whole idle timeout). At shutdown, in-flight
    // requests are answered first; lib/server.ts bounds that wait.
    const close = (reason: CloseReason) => {
      if (reason === "shutdown") return served.shutdown();
      served.cut();
      if (reason === "evicted") this.#evictedClosing = done;
    };
    const evictedBefore = table.counters.evicted;
    const tracked = table.admit(conn.remoteAddr.hostname, close);
    if (typeof tracked === "string") return this.#refuse(conn, tracked);
    if (table.counters.evicted > evictedBefore) this.#logPressure();
    const handler = this.#handler;
    const bodyTimeoutMs = this.#options.bodyTimeoutMs;
    const ended = () => table.requestEnded(tracked);
    const cutAfter408 = () => setTimeout(() => served.cut(), CUT_AFTER_408_MS);
    const serveRequest: Handler = (req, info) => {
      table.requestStarted(tracked);
      // Settles when the response was handed over in full (a streamed export: when it ended).
      const completed = info.completed.then(ended, ended);
      const deadline = setBodyDeadline(req, bodyTimeoutMs);
      // After a 408 hyper would go on reading (and discarding) the rest of that body to keep the
      // connection, at the sender's pace; the sender is slow or hostile, so the connection goes.
      if (deadline) completed.then(() => deadline.expired && cutAfter408());
      return handler(req, info);
    };
    let served: ServedConnection;
    try {
      served = this.#serveOn(conn, serveRequest, this.#onError);
    } catch (error) {
      table.closed(tracked);
      throw error;
    }
    const done = served.finished.then(() => {
      table.closed(tracked);
      this.#serving.delete(done);
    });
    this.#serving.add(done);
  }

  #onError = (error: unknown) => {
    this.#options.log.error("unhandled error while serving a request", error);
    return Response.json({ error: "internal_error", message: "Internal server error" }, {
      status: 500,
    });
  };

  #refuse(conn: Deno.TcpConn, why: Refusal): void {
    this.#logPressure();
    conn.write(REFUSALS[why]).catch(() => {}).finally(() => {
      try {
        conn.close();
      } catch { /* the peer went first */ }
    });
  }

  #logPressure(): void {
    const now = performance.now();
    if (now - this.#lastPressureLog < PRESSURE_LOG_EVERY_MS) return;
    this.#lastPressureLog = now;
    const { open, max_connections, refused_at_capacity, refused_per_client, evicted } = this
      .stats();
    this.#options.log.warn("connection limits reached (logged once a minute)", {
      open,
      max_connections,
      refused_at_capacity,
      refused_per_client,
      evicted,
    });
  }
}

/** The answer written to a refused connection before it is closed (no request is read). */
const REFUSALS: Record<Refusal, Uint8Array> = {
  at_capacity: rawResponse("too_many_connections", "The server has too many open connections"),
  per_client: rawResponse(
    "too_many_connections_from_client",
    "Too many open connections from this address",
  ),
};

function rawResponse(code: string, message: string): Uint8Array {
  const body = JSON.stringify({ error: code, message });
  return new TextEncoder().encode(
    "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\n" +
      `content-length: ${body.length}\r\nretry-after: 1\r\nconnection: close\r\n\r\n${body}`,
  );
}

function serveWithDenoServe(handler: Handler, options: ServeOptions): HttpServer {
  options.log.warn(
    "this Deno does not expose its per-connection HTTP server: serving with Deno.serve, " +
      "without header/idle timeouts or connection caps",
  );
  const server = Deno.serve(
    { hostname: options.hostname, port: options.port, onListen: () => {} },
    (req, info) => {
      setBodyDeadline(req, options.bodyTimeoutMs);
      return handler(req, info);
    },
  );
  return {
    addr: server.addr,
    finished: server.finished,
    shutdown: () => server.shutdown(),
    stats: () => ({
      mode: "deno_serve",
      open: null,
      waiting_for_request: null,
      idle: null,
      busy: null,
      clients: null,
      max_connections: null,
      max_connections_per_client: null,
      header_timeout_ms: null,
      idle_timeout_ms: null,
      accepted: null,
      refused_at_capacity: 0,
      refused_per_client: 0,
      evicted: 0,
      header_timeouts: 0,
      idle_timeouts: 0,
      accept_errors: 0,
    }),
  };
}
