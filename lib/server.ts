// Process lifecycle: open the store (lib/store/open.ts), build services and the app, serve, run
// jobs, and on SIGTERM or SIGINT stop accepting, run the shutdown hooks (writer flushes) and close
// the store, all within ECHELON_SHUTDOWN_TIMEOUT_MS. Open connections get a grace period to
// finish; a connection that outlasts it (a slow or endless upload) does not hold the flush back:
// the writers then refuse what still arrives (a counted drop, 503 on /e), and flush what they
// accepted.
// Connections are accepted and bounded by lib/http/serve.ts (timeouts, caps, EMFILE never fatal).
import { createApp } from "./app.ts";
import { ensureGeneratedPassword } from "./auth/credentials.ts";
import type { Config } from "./config.ts";
import {
  connectionsFittingFdLimit,
  defaultMaxConnections,
  openFileLimit,
} from "./http/fd_limit.ts";
import { serveHttp } from "./http/serve.ts";
import { isTrustedProxy } from "./ingest/client_ip.ts";
import { createJobRunner } from "./jobs.ts";
import { createLogger, type Logger } from "./log.ts";
import { createServices, type Services } from "./services.ts";
import { openStore } from "./store/open.ts";

export interface RunningServer {
  services: Services;
  port: number;
  /** Resolves when shutdown finished (after a signal or a `shutdown()` call). */
  finished: Promise<void>;
  shutdown(reason?: string): Promise<void>;
}

export async function start(
  config: Config,
  options: {
    log?: Logger;
    handleSignals?: boolean;
    /** Peers exempt from the per-client connection cap (trusted proxies). */
    isProxy?: (address: string) => boolean;
  } = {},
): Promise<RunningServer> {
  let services: Services;
  // Debug lines follow the effective switch (ECHELON_DEBUG or the admin's setting).
  const log = options.log ??
    createLogger({
      debug: () => services?.collect.caches.debug ?? config.debug,
      format: config.logFormat,
    });
  const opened = openStore(config, { log });
  try {
    services = await createServices(config, opened, { log });
    await ensureGeneratedPassword(services);
  } catch (error) {
    opened.close();
    throw error;
  }
  const app = await createApp(services);
  const jobs = createJobRunner(services.jobs, (message, error) => log.error(message, error));

  const fdLimit = openFileLimit();
  const fitting = connectionsFittingFdLimit(fdLimit);
  if (config.maxConnections !== null && config.maxConnections > fitting) {
    log.warn(
      `ECHELON_MAX_CONNECTIONS=${config.maxConnections} is above the ${fitting} that the ` +
        "open-file limit leaves room for: under load accept() and SQLite may run out of " +
        "descriptors (raise `ulimit -n`)",
    );
  }
  const server = serveHttp((req, info) => app.fetch(req, info), {
    hostname: config.hostname,
    port: config.port,
    limits: {
      maxConnections: config.maxConnections ?? defaultMaxConnections(fdLimit),
      maxConnectionsPerClient: config.maxConnectionsPerClient,
      headerTimeoutMs: config.headerTimeoutMs,
      idleTimeoutMs: config.idleTimeoutMs,
    },
    bodyTimeoutMs: config.bodyTimeoutMs,
    isProxy: options.isProxy ?? ((address) => isTrustedProxy(address, config)),
    log,
  });
  const { hostname, port } = server.addr;
  services.connectionStats = () => server.stats();
  log.info(`Echelon Analytics ${config.version} listening on http://${hostname}:${port}`);
  const { mode, max_connections, max_connections_per_client } = server.stats();
  log.info("connections", { mode, max_connections, max_connections_per_client });
  await services.collect.start();
  jobs.start();

  let shuttingDown: Promise<void> | null = null;
  const shutdown = (reason = "shutdown") => {
    shuttingDown ??= (async () => {
      log.info(`${reason}: stopping`);
      const timer = setTimeout(() => {
        log.error(`shutdown did not finish within ${config.shutdownTimeoutMs} ms; exiting`);
        Deno.exit(1);
      }, config.shutdownTimeoutMs);
      try {
        const grace = drainGraceMs(config.shutdownTimeoutMs);
        let graceTimer: ReturnType<typeof setTimeout> | undefined;
        const drained = await Promise.race([
          server.shutdown().then(() => true),
          new Promise<false>((resolve) => graceTimer = setTimeout(() => resolve(false), grace)),
        ]);
        clearTimeout(graceTimer);
        if (!drained) {
          log.warn(`connections still open after ${grace} ms; flushing without waiting for them`);
        }
        await jobs.stop();
        for (const hook of services.shutdownHooks) {
          try {
            await hook.run();
          } catch (error) {
            log.error(`shutdown hook ${hook.name} failed`, error);
          }
        }
      } finally {
        opened.close();
        clearTimeout(timer);
        log.info("stopped");
      }
    })();
    return shuttingDown;
  };

  if (options.handleSignals !== false) {
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      Deno.addSignalListener(signal, () => {
        shutdown(signal).then(() => Deno.exit(0));
      });
    }
  }

  return {
    services,
    port,
    finished: server.finished.then(() => shuttingDown ?? undefined),
    shutdown,
  };
}

/** How long shutdown waits for open connections before flushing anyway: half the whole budget,
 * at most 10 s, so the flush always has the larger share. */
export function drainGraceMs(shutdownTimeoutMs: number): number {
  return Math.min(10_000, Math.floor(shutdownTimeoutMs / 2));
}
