// Funnels on SQLite (lib/store/funnels.ts), over lib/db/funnels.ts.
import type { Database } from "../../db/database.ts";
import {
  deleteFunnel,
  getFunnel,
  insertFunnel,
  listFunnels,
  updateFunnel,
} from "../../db/funnels.ts";
import type { FunnelStore } from "../funnels.ts";

export function sqliteFunnels(db: Database): FunnelStore {
  return {
    list: (siteId) => Promise.try(() => listFunnels(db, siteId)),
    get: (id) => Promise.try(() => getFunnel(db, id)),
    create: (funnel) => Promise.try(() => insertFunnel(db, funnel)),
    update: (id, funnel) => Promise.try(() => updateFunnel(db, id, funnel)),
    delete: (id) => Promise.try(() => deleteFunnel(db, id)),
  };
}
