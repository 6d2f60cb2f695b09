// Exchange rates (routes/api/exchange-rates.ts): units of each currency per euro, which revenue
// goals convert their conversions' amounts with. Read keys read them; writes need a session,
// ECHELON_SECRET or a write key. Nothing is fetched from the network: the admin keeps them.
import { z } from "zod";
import { defineOperation, json } from "../contract.ts";
import { withCode } from "../fields.ts";

const TAG = "Goals";
const MAX_RATES = 200;

const Rate = z.object({
  currency: z.string(),
  per_eur: z.number(),
  updated_at: z.string(),
});

export const listExchangeRates = defineOperation({
  method: "GET",
  path: "/api/exchange-rates",
  tag: TAG,
  summary: "Exchange rates (units per euro) that revenue goals convert amounts with",
  auth: "read",
  responses: { 200: json("Rates by currency", z.array(Rate)) },
});

export const setExchangeRates = defineOperation({
  method: "PUT",
  path: "/api/exchange-rates",
  tag: TAG,
  summary: "Set rates (units per euro); the others stay. EUR is always 1",
  auth: "write",
  body: withCode(
    z.object({
      rates: z.record(
        z.string(),
        z.number({ error: "rates: a rate is a number" }).positive({
          error: "rates: a rate is above 0",
        }).finite(),
      ).superRefine((rates, ctx) => {
        const keys = Object.keys(rates);
        const bad = keys.find((c) => !/^[A-Z]{3}$/.test(c));
        const issue = (message: string) => ctx.addIssue({ code: "custom", message });
        if (keys.length === 0 || keys.length > MAX_RATES) issue(`rates: 1-${MAX_RATES} rates`);
        else if (bad !== undefined) {
          issue(`rates: keys are ISO 4217 codes (USD, GBP…), not ${JSON.stringify(bad)}`);
        } else if (keys.includes("EUR")) issue("rates: EUR is 1 by definition");
      }).describe('{"USD": 1.08, "GBP": 0.85}: units of each currency per euro'),
    }).strict(),
    "invalid_rates",
  ),
  responses: { 200: json("The rates now", z.array(Rate)) },
});

export const EXCHANGE_RATE_OPERATIONS = [listExchangeRates, setExchangeRates];
