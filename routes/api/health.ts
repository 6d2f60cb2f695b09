// GET /api/health: liveness for load balancers and the Docker HEALTHCHECK; always public.
// Reports database reachability and the writers' backlog (503 when either is unhealthy), and the
// connection layer's figures (open, refused, evicted, timed out: lib/http/serve.ts).
import type { Ctx } from "../../lib/state.ts";

/** A writer failing this many flushes in a row makes the instance "degraded". */
const FAILING_FLUSHES = 3;

export const handler = {
  GET(ctx: Ctx) {
    const { config, db, collect } = ctx.state.services;
    let database = "ok";
    try {
      db.get("SELECT 1");
    } catch {
      database = "unreachable";
    }
    const writers = [collect.views.stats(), collect.events.stats()];
    const failing = writers.some((w) => w.consecutiveFailures >= FAILING_FLUSHES);
    const healthy = database === "ok" && !failing;
    const body: Record<string, unknown> = {
      status: healthy ? "ok" : "degraded",
      service: "Echelon Analytics",
      version: config.version,
      database,
    };
    if (!config.publicMode) {
      body.writers = Object.fromEntries(writers.map((w) => [w.name, {
        backlog: w.buffered,
        rejected: w.rejected,
        consecutive_failures: w.consecutiveFailures,
        last_flush_ms: w.lastFlushMs,
        last_error: w.lastError,
      }]));
      body.connections = ctx.state.services.connectionStats();
    }
    return Response.json(body, {
      status: healthy ? 200 : 503,
      headers: { "cache-control": "no-store" },
    });
  },
};
