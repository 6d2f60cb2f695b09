// Crawler hits on SQLite (lib/store/crawlers.ts), over lib/db/crawlers.ts: a batch of hits, like an
// import's batch with its progress, is one transaction.
import {
  addCrawlerTraffic,
  importProgress,
  purgeCrawlerTrafficBatch,
  saveImportBatch,
} from "../../db/crawlers.ts";
import type { Database } from "../../db/database.ts";
import type { CrawlerStore } from "../crawlers.ts";

export function sqliteCrawlers(db: Database): CrawlerStore {
  return {
    add: (deltas, limits) => Promise.try(() => addCrawlerTraffic(db, deltas, limits.maxDailyRows)),
    importProgress: (sourceKey) => Promise.try(() => importProgress(db, sourceKey)),
    saveImportBatch: (deltas, progress, at, limits) =>
      Promise.try(() => saveImportBatch(db, deltas, progress, at, limits.maxDailyRows)),
    purge: (beforeDate, limit) =>
      Promise.try(() => purgeCrawlerTrafficBatch(db, beforeDate, limit)),
  };
}
