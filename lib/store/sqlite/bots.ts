// Bots on SQLite (lib/store/bots.ts), over lib/db/bots.ts, on the app's connection. Answers are
// plain objects (the driver's rows have no prototype).
import type { Database } from "../../db/database.ts";
import {
  applyCorrelationPenalty,
  applyNoEventPenalty,
  excludedVisitors,
  excludeVisitor,
  fingerprintClusters,
  includeVisitor,
  storedScore,
  visitorEvents,
  visitorExclusion,
  visitorViews,
} from "../../db/bots.ts";
import { listExcludedVisitorIds } from "../../db/lookups.ts";
import type { BotStore, VisitorHistory } from "../bots.ts";

function history(db: Database, visitorId: string, limit: number): VisitorHistory {
  const exclusion = visitorExclusion(db, visitorId);
  return {
    exclusion: exclusion && { ...exclusion },
    views: visitorViews(db, visitorId, limit),
    events: visitorEvents(db, visitorId, limit),
  };
}

export function sqliteBots(db: Database): BotStore {
  return {
    exclude: (visitorId, label, at) => Promise.try(() => excludeVisitor(db, visitorId, label, at)),
    include: (visitorId) => Promise.try(() => includeVisitor(db, visitorId)),
    excluded: (limit) => Promise.try(() => excludedVisitors(db, limit).map((row) => ({ ...row }))),
    excludedIds: (limit) => Promise.try(() => listExcludedVisitorIds(db, limit)),
    history: (visitorId, limit) => Promise.try(() => history(db, visitorId, limit)),
    score: (row, id) => Promise.try(() => storedScore(db, row, id)),
    fingerprintClusters: (range) => Promise.try(() => fingerprintClusters(db, range)),
    penalizeCluster: (penalty) => Promise.try(() => applyCorrelationPenalty(db, penalty)),
    penalizeEventless: (range) => Promise.try(() => applyNoEventPenalty(db, range)),
  };
}
