// Saved segments on SQLite (lib/store/segments.ts), over lib/db/segments.ts.
import type { Database } from "../../db/database.ts";
import { deleteSegment, getSegment, insertSegment, listSegments } from "../../db/segments.ts";
import type { SegmentStore } from "../segments.ts";

export function sqliteSegments(db: Database): SegmentStore {
  return {
    list: (siteId) => Promise.try(() => listSegments(db, siteId)),
    get: (id) => Promise.try(() => getSegment(db, id)),
    create: (segment) => Promise.try(() => insertSegment(db, segment)),
    delete: (id) => Promise.try(() => deleteSegment(db, id)),
  };
}
