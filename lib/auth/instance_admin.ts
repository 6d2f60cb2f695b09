// Instance-wide switches (telemetry opt-in, run-time debug) are the operator's decisions: they
// take an admin session or the full-power ECHELON_SECRET bearer, never a scoped API key (a CI
// key that posts benchmarks must not be able to turn telemetry on).
import { HttpError } from "../http_error.ts";
import type { Ctx } from "../state.ts";
import { bearerMatches } from "./bearer.ts";

export function assertInstanceAdmin(ctx: Ctx): void {
  if (ctx.state.username !== null) return;
  const { config } = ctx.state.services;
  if (bearerMatches(ctx.req.headers.get("authorization"), config.secret)) return;
  throw new HttpError(
    403,
    "insufficient_scope",
    "Instance settings need an admin session or ECHELON_SECRET; API keys cannot change them",
  );
}
