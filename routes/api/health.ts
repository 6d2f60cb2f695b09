// GET /api/health: liveness for load balancers and the Docker HEALTHCHECK; always public.
// Reports database reachability, a recent write the disk refused (a full disk) and the writers'
// backlog (503 "degraded" when any is unhealthy), and the write thread's failed rebuilds of
// per-day aggregates; public mode's view leaves the writers, the aggregates and the error text out
// (lib/public/policy.ts),
// and the connection layer's figures (open, refused, evicted, timed out: lib/http/serve.ts).
import type { Ctx } from "../../lib/state.ts";

/** A writer failing this many flushes in a row makes the instance "degraded". */
const FAILING_FLUSHES = 3;
/** A write the disk refused on the main connection (a full disk) counts this long, unless a
 * later write succeeded; the writers keep reporting a failure that lasts. */
const STORAGE_FAILURE_MS = 60_000;

export const handler = {
  async GET(ctx: Ctx) {
    const { config, store, collect } = ctx.state.services;
    const storage = await store.instance.health(STORAGE_FAILURE_MS);
    const storageFailure = storage.recentFailure;
    const database = !storage.reachable ? "unreachable" : storageFailure ? "write_failed" : "ok";
    const writers = [collect.views.stats(), collect.events.stats()];
    const failing = writers.some((w) => w.consecutiveFailures >= FAILING_FLUSHES);
    const healthy = database === "ok" && !failing;
    const body: Record<string, unknown> = {
      status: healthy ? "ok" : "degraded",
      service: "Echelon Analytics",
      version: config.version,
      database,
    };
    if (storageFailure) body.database_error = storageFailure;
    body.writers = Object.fromEntries(writers.map((w) => [w.name, {
      backlog: w.buffered,
      rejected: w.rejected,
      consecutive_failures: w.consecutiveFailures,
      last_flush_ms: w.lastFlushMs,
      last_error: w.lastError,
    }]));
    // A failing rebuild of per-day aggregates slows queries (their days are read from the raw
    // rows) but loses nothing: reported, not "degraded".
    const rebuilds = collect.aggregateRebuilds;
    body.aggregates = {
      rebuild_failures: rebuilds.failures,
      last_rebuild_error: rebuilds.lastError,
    };
    body.connections = ctx.state.services.connectionStats();
    return Response.json(body, {
      status: healthy ? 200 : 503,
      headers: { "cache-control": "no-store" },
    });
  },
};
