// The exchange rates area of the store (lib/store/types.ts): units of each currency per euro, which
// revenue goals convert amounts with (README "Revenue"). The admin keeps them; nothing is fetched.

export interface ExchangeRate {
  /** ISO 4217, upper case. */
  currency: string;
  /** Units of the currency per euro (EUR is 1). */
  per_eur: number;
  /** ISO instant. */
  updated_at: string;
}

export interface ExchangeRateStore {
  list(): Promise<ExchangeRate[]>;
  /** Sets these rates (the others stay), atomically. */
  set(rates: Record<string, number>): Promise<void>;
}
