// GET /api/exchange-rates: the rates (units per euro) revenue goals convert amounts with. PUT
// {rates: {USD: 1.08, …}}: sets those (the others stay) → the rates now; 400 invalid_rates naming
// the field, nothing stored then.
import { setExchangeRates } from "../../lib/api/operations/exchange_rates.ts";
import { readBody } from "../../lib/api/validate.ts";
import { readJsonCapped } from "../../lib/http_body.ts";
import type { Ctx } from "../../lib/state.ts";

const MAX_BODY_BYTES = 16 * 1024;

export const handler = {
  async GET(ctx: Ctx) {
    return Response.json(await ctx.state.services.store.exchangeRates.list());
  },

  async PUT(ctx: Ctx) {
    const { exchangeRates } = ctx.state.services.store;
    const body = readBody(setExchangeRates, await readJsonCapped(ctx.req, MAX_BODY_BYTES));
    await exchangeRates.set(body.rates);
    return Response.json(await exchangeRates.list());
  },
};
