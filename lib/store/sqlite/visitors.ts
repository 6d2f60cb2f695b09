// Visitors on SQLite (lib/store/visitors.ts), over lib/db/admin_visitors.ts: a visitor's totals
// are a few index lookups on visitor_id, on the app's connection. Answers are plain objects (the
// driver's rows have no prototype).
import { visitorTotals } from "../../db/admin_visitors.ts";
import type { Database } from "../../db/database.ts";
import type { VisitorStore } from "../visitors.ts";

export function sqliteVisitors(db: Database): VisitorStore {
  return {
    totals: (visitorId) =>
      Promise.try(() => {
        const totals = visitorTotals(db, visitorId);
        return { ...totals, pow_verdicts: totals.pow_verdicts.map((row) => ({ ...row })) };
      }),
  };
}
