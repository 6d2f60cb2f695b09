// GET /api/health: liveness for load balancers and the Docker HEALTHCHECK; always public.
import type { Ctx } from "../../lib/state.ts";

export const handler = {
  GET(ctx: Ctx) {
    const { config, db } = ctx.state.services;
    let database = "ok";
    try {
      db.get("SELECT 1");
    } catch {
      database = "unreachable";
    }
    return Response.json(
      {
        status: database === "ok" ? "ok" : "degraded",
        service: "Echelon Analytics",
        version: config.version,
        database,
      },
      { status: database === "ok" ? 200 : 503, headers: { "cache-control": "no-store" } },
    );
  },
};
