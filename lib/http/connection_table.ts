// Which connections are open, what each is waiting for, and who goes when there are too many.
// A connection is fresh (accepted, its first request's headers not complete), busy (a request in
// flight: its handler runs or its response, maybe a long stream, is being sent) or idle (keep-alive
// between requests). Only fresh and idle connections time out or are evicted; a busy one is never
// cut here. Pure bookkeeping: lib/http/serve.ts owns the sockets and calls in.

import { clientKey } from "../ingest/client_ip.ts";

export type CloseReason = "header_timeout" | "idle_timeout" | "evicted" | "shutdown";
export type Refusal = "at_capacity" | "per_client";

export interface ConnectionLimits {
  maxConnections: number;
  maxConnectionsPerClient: number;
  /** From accept until the first request's headers are complete. */
  headerTimeoutMs: number;
  /** From the end of a response until the next request's headers are complete. */
  idleTimeoutMs: number;
}

export interface ConnectionCounters {
  accepted: number;
  refusedAtCapacity: number;
  refusedPerClient: number;
  /** Waiting connections closed to make room for a new one. */
  evicted: number;
  headerTimeouts: number;
  idleTimeouts: number;
}

export class TrackedConnection {
  inFlight = 0;
  ended = false;
  constructor(
    readonly key: string,
    readonly exempt: boolean,
    /** When it entered its current waiting state (performance.now()). */
    public since: number,
    readonly close: (reason: CloseReason) => void,
  ) {}
}

export class ConnectionTable {
  readonly counters: ConnectionCounters = {
    accepted: 0,
    refusedAtCapacity: 0,
    refusedPerClient: 0,
    evicted: 0,
    headerTimeouts: 0,
    idleTimeouts: 0,
  };
  readonly #limits: ConnectionLimits;
  readonly #isProxy: (address: string) => boolean;
  readonly #now: () => number;
  readonly #open = new Set<TrackedConnection>();
  // Insertion-ordered, so the first entry is the one waiting longest (eviction and expiry both
  // look at the oldest first and stop at the first one still in time).
  readonly #fresh = new Set<TrackedConnection>();
  readonly #idle = new Set<TrackedConnection>();
  readonly #perClient = new Map<string, number>();

  constructor(
    limits: ConnectionLimits,
    options: { isProxy?: (address: string) => boolean; now?: () => number } = {},
  ) {
    this.#limits = limits;
    this.#isProxy = options.isProxy ?? (() => false);
    this.#now = options.now ?? (() => performance.now());
  }

  /**
   * Takes a new connection from `address`, or says why not. At the total cap the connection
   * waiting longest for a request (fresh first: a slowloris; then idle) is closed to make room;
   * only when every connection is busy is the new one refused. A client over its own cap is
   * refused (peers for which `isProxy` holds carry many clients and are exempt).
   */
  admit(address: string, close: (reason: CloseReason) => void): TrackedConnection | Refusal {
    const exempt = this.#isProxy(address);
    const key = clientKey(address);
    if (!exempt && (this.#perClient.get(key) ?? 0) >= this.#limits.maxConnectionsPerClient) {
      this.counters.refusedPerClient++;
      return "per_client";
    }
    if (this.#open.size >= this.#limits.maxConnections) {
      const victim = first(this.#fresh) ?? first(this.#idle);
      if (!victim) {
        this.counters.refusedAtCapacity++;
        return "at_capacity";
      }
      this.counters.evicted++;
      this.#end(victim, "evicted");
    }
    const connection = new TrackedConnection(key, exempt, this.#now(), close);
    this.#open.add(connection);
    this.#fresh.add(connection);
    if (!exempt) this.#perClient.set(key, (this.#perClient.get(key) ?? 0) + 1);
    this.counters.accepted++;
    return connection;
  }

  /** A request's headers are complete (its handler is called). */
  requestStarted(connection: TrackedConnection): void {
    if (connection.inFlight++ === 0) {
      this.#fresh.delete(connection);
      this.#idle.delete(connection);
    }
  }

  /** A response was sent in full, or failed. */
  requestEnded(connection: TrackedConnection): void {
    if (--connection.inFlight === 0 && !connection.ended) {
      connection.since = this.#now();
      this.#idle.add(connection);
    }
  }

  /** The connection is gone (closed by either side); forget it. */
  closed(connection: TrackedConnection): void {
    if (!connection.ended) this.#forget(connection);
  }

  /** Closes the fresh and idle connections whose timeout has passed. */
  sweep(): void {
    const now = this.#now();
    expire(this.#fresh, now - this.#limits.headerTimeoutMs, (c) => {
      this.counters.headerTimeouts++;
      this.#end(c, "header_timeout");
    });
    expire(this.#idle, now - this.#limits.idleTimeoutMs, (c) => {
      this.counters.idleTimeouts++;
      this.#end(c, "idle_timeout");
    });
  }

  /** Closes the connection waiting longest (to free a descriptor after EMFILE); false if none. */
  evictOldestWaiting(): boolean {
    const victim = first(this.#fresh) ?? first(this.#idle);
    if (!victim) return false;
    this.counters.evicted++;
    this.#end(victim, "evicted");
    return true;
  }

  /** Closes every connection (each answers what it has in flight first). */
  closeAll(): void {
    for (const connection of [...this.#open]) this.#end(connection, "shutdown");
  }

  stats() {
    const open = this.#open.size;
    return {
      open,
      waiting_for_request: this.#fresh.size,
      idle: this.#idle.size,
      busy: open - this.#fresh.size - this.#idle.size,
      clients: this.#perClient.size,
    };
  }

  #end(connection: TrackedConnection, reason: CloseReason): void {
    this.#forget(connection);
    connection.close(reason);
  }

  #forget(connection: TrackedConnection): void {
    connection.ended = true;
    this.#open.delete(connection);
    this.#fresh.delete(connection);
    this.#idle.delete(connection);
    if (!connection.exempt) {
      const left = (this.#perClient.get(connection.key) ?? 1) - 1;
      if (left > 0) this.#perClient.set(connection.key, left);
      else this.#perClient.delete(connection.key);
    }
  }
}

function first<T>(set: Set<T>): T | undefined {
  for (const item of set) return item;
  return undefined;
}

function expire(
  waiting: Set<TrackedConnection>,
  before: number,
  end: (connection: TrackedConnection) => void,
): void {
  for (const connection of waiting) {
    if (connection.since > before) return;
    end(connection);
  }
}
