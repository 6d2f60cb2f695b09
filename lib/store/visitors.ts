// The visitors area of the store (lib/store/types.ts): everything stored about one visitor,
// summed over every site and all time (the admin's visitor page; its history is the bots area's,
// lib/store/bots.ts). The visitor lists are analytics reads (lib/store/lists.ts).

export interface VisitorTotals {
  views: number;
  events: number;
  first_seen: string | null;
  last_seen: string | null;
  max_score: number | null;
  interaction_ms: number;
  sites: string | null;
  devices: string | null;
  pow_verdicts: { verdict: string; views: number }[];
}

export interface VisitorStore {
  /** One visitor's totals (zero views and events, null instants when nothing is stored). */
  totals(visitorId: string): Promise<VisitorTotals>;
}
