// Perf metrics on SQLite (lib/store/perf.ts), over lib/db/perf.ts: a batch is one transaction.
import type { Database } from "../../db/database.ts";
import {
  insertPerfMetrics,
  listPerfMetrics,
  perfFacets,
  perfSeries,
  purgePerfMetricsBatch,
} from "../../db/perf.ts";
import type { PerfStore } from "../perf.ts";

export function sqlitePerf(db: Database): PerfStore {
  return {
    add: (metrics) => Promise.try(() => insertPerfMetrics(db, metrics)),
    list: (filter, limit) => Promise.try(() => listPerfMetrics(db, filter, limit)),
    series: (filter, window, maxSeries) =>
      Promise.try(() => perfSeries(db, filter, window, maxSeries)),
    facets: () => Promise.try(() => perfFacets(db)),
    purge: (before, limit) => Promise.try(() => purgePerfMetricsBatch(db, before, limit)),
  };
}
