// GET /api/goals[?site_id]: goals, by site and name. POST /api/goals {site_id, name, kind, page |
// event_name [, props] | page + scroll_depth}: adds one → 201 {created, goal}; 400 invalid_goal
// naming the field, 404 for an unknown site, 409 for a name the site already has (conflict) or a
// site with MAX_GOALS_PER_SITE goals (too_many).
import { createGoal, listGoals } from "../../../lib/api/operations/goals.ts";
import { readBody, readQuery } from "../../../lib/api/validate.ts";
import { readJsonCapped } from "../../../lib/http_body.ts";
import { HttpError } from "../../../lib/http_error.ts";
import { MAX_GOALS_PER_SITE, newGoal } from "../../../lib/query/goals.ts";
import type { Ctx } from "../../../lib/state.ts";

const MAX_BODY_BYTES = 16 * 1024;

export const handler = {
  async GET(ctx: Ctx) {
    const { site_id } = readQuery(listGoals, ctx.url);
    return Response.json(await ctx.state.services.store.goals.list(site_id ?? null));
  },

  async POST(ctx: Ctx) {
    const { store } = ctx.state.services;
    const body = readBody(createGoal, await readJsonCapped(ctx.req, MAX_BODY_BYTES));
    if (!(await store.sites.get(body.site_id))) {
      throw new HttpError(404, "not_found", `No site "${body.site_id}"`);
    }
    const goal = await store.goals.create(newGoal(body));
    if (goal === "conflict") {
      throw new HttpError(409, "conflict", `${body.site_id} already has a goal "${body.name}"`);
    }
    if (goal === "full") {
      throw new HttpError(
        409,
        "too_many",
        `${body.site_id} has ${MAX_GOALS_PER_SITE} goals, the most a site may have`,
      );
    }
    return Response.json({ created: goal.id, goal }, { status: 201 });
  },
};
