// GET /api/goals/:id: one goal. PUT: replaces its definition (same body as POST /api/goals; its
// site cannot change) → the goal; DELETE: removes it → {deleted}. 400 invalid_id / invalid_goal,
// 404 not_found, 409 conflict (PUT: another goal of the site has the name).
import { deleteGoal, getGoal, updateGoal } from "../../../lib/api/operations/goals.ts";
import { readBody, readParams } from "../../../lib/api/validate.ts";
import { readJsonCapped } from "../../../lib/http_body.ts";
import { HttpError } from "../../../lib/http_error.ts";
import { newGoal } from "../../../lib/query/goals.ts";
import type { Ctx } from "../../../lib/state.ts";

const MAX_BODY_BYTES = 16 * 1024;
const missing = (id: number) => new HttpError(404, "not_found", `No goal ${id}`);

export const handler = {
  async GET(ctx: Ctx) {
    const { id } = readParams(getGoal, ctx.params);
    const goal = await ctx.state.services.store.goals.get(id);
    if (!goal) throw missing(id);
    return Response.json(goal);
  },

  async PUT(ctx: Ctx) {
    const { store } = ctx.state.services;
    const { id } = readParams(updateGoal, ctx.params);
    const body = readBody(updateGoal, await readJsonCapped(ctx.req, MAX_BODY_BYTES));
    const current = await store.goals.get(id);
    if (!current) throw missing(id);
    if (current.site_id !== body.site_id) {
      throw new HttpError(400, "invalid_goal", `site_id: goal ${id} is ${current.site_id}'s`);
    }
    const updated = await store.goals.update(id, newGoal(body));
    if (updated === "missing") throw missing(id);
    if (updated === "conflict") {
      throw new HttpError(409, "conflict", `${body.site_id} already has a goal "${body.name}"`);
    }
    return Response.json(updated);
  },

  async DELETE(ctx: Ctx) {
    const { id } = readParams(deleteGoal, ctx.params);
    if (!await ctx.state.services.store.goals.delete(id)) throw missing(id);
    return Response.json({ deleted: id });
  },
};
