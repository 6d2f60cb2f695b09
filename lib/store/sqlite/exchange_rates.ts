// Exchange rates on SQLite (lib/store/exchange_rates.ts), over lib/db/exchange_rates.ts.
import type { Database } from "../../db/database.ts";
import { listRates, setRates } from "../../db/exchange_rates.ts";
import type { ExchangeRateStore } from "../exchange_rates.ts";

export function sqliteExchangeRates(db: Database): ExchangeRateStore {
  return {
    list: () => Promise.try(() => listRates(db)),
    set: (rates) => Promise.try(() => setRates(db, rates)),
  };
}
