// Exchange rates (migration "revenue"): units of each currency per euro, kept by the admin (no
// network at run time); revenue goals convert their conversions' amounts with them
// (lib/db/query/goals.ts).
import type { ExchangeRate } from "../store/exchange_rates.ts";
import type { Database } from "./database.ts";

export function listRates(db: Database): ExchangeRate[] {
  return db.all<ExchangeRate>(
    "SELECT currency, per_eur, updated_at FROM exchange_rates ORDER BY currency",
  ).map((row) => ({ ...row }));
}

/** Sets the given rates (others stay), in one transaction; EUR stays 1. */
export function setRates(db: Database, rates: Record<string, number>): void {
  db.transaction(() => {
    for (const [currency, perEur] of Object.entries(rates)) {
      db.run(
        `INSERT INTO exchange_rates (currency, per_eur) VALUES (?, ?)
         ON CONFLICT (currency) DO UPDATE SET per_eur = excluded.per_eur,
           updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')`,
        currency,
        perEur,
      );
    }
  });
}
