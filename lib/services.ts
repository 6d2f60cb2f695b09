// Everything a request may need, built once from the config and the database and passed down
// through `ctx.state.services` (no global singletons on the request path).
import type { Config } from "./config.ts";
import type { Job } from "./jobs.ts";
import type { Database } from "./db/mod.ts";
import { type EphemeralStore, MemoryEphemeralStore } from "./ephemeral.ts";
import type { Logger } from "./log.ts";
import { resolveMasterSecret } from "./secret.ts";

export interface Services {
  config: Config;
  db: Database;
  log: Logger;
  masterSecret: Uint8Array;
  ephemeral: EphemeralStore;
  startedAt: number;
  /** Current time in ms; tests freeze it. */
  now: () => number;
  /** Periodic work, started by the server (not by tests unless they ask). */
  jobs: Job[];
  /** Run in order on SIGTERM/SIGINT after the server stops accepting (e.g. writer flushes). */
  shutdownHooks: ShutdownHook[];
}

export interface ShutdownHook {
  name: string;
  run: () => void | Promise<void>;
}

export interface ServiceOptions {
  log: Logger;
  now?: () => number;
}

export function createServices(config: Config, db: Database, options: ServiceOptions): Services {
  const now = options.now ?? Date.now;
  return {
    config,
    db,
    log: options.log,
    masterSecret: resolveMasterSecret(db, config.secret),
    ephemeral: new MemoryEphemeralStore(),
    startedAt: now(),
    now,
    jobs: [],
    shutdownHooks: [],
  };
}
