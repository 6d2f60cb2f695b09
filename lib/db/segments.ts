// Saved segments (migration "segments"): per site, a name and a JSON list of filters in the query's
// syntax, checked before they are stored (lib/query/segments.ts).
import type { SegmentRecord } from "../store/segments.ts";
import type { Database } from "./database.ts";

export type { SegmentRecord } from "../store/segments.ts";

type StoredSegment = Omit<SegmentRecord, "filters"> & { filters: string };

const COLUMNS = "id, site_id, name, filters, created_at";

const parsed = (row: StoredSegment): SegmentRecord => ({
  ...row,
  filters: JSON.parse(row.filters),
});

/** Every segment (of one site), by site and name. */
export function listSegments(db: Database, siteId: string | null): SegmentRecord[] {
  const rows = siteId === null
    ? db.all<StoredSegment>(`SELECT ${COLUMNS} FROM segments ORDER BY site_id, name`)
    : db.all<StoredSegment>(
      `SELECT ${COLUMNS} FROM segments WHERE site_id = ? ORDER BY name`,
      siteId,
    );
  return rows.map(parsed);
}

export function getSegment(db: Database, id: number): SegmentRecord | null {
  const row = db.get<StoredSegment>(`SELECT ${COLUMNS} FROM segments WHERE id = ?`, id);
  return row ? parsed(row) : null;
}

/** Stores a segment: its record, or null when the site already has one of that name. */
export function insertSegment(
  db: Database,
  segment: { siteId: string; name: string; filters: unknown[] },
): SegmentRecord | null {
  const row = db.get<StoredSegment>(
    `INSERT INTO segments (site_id, name, filters) VALUES (?, ?, ?)
     ON CONFLICT (site_id, name) DO NOTHING RETURNING ${COLUMNS}`,
    segment.siteId,
    segment.name,
    JSON.stringify(segment.filters),
  );
  return row ? parsed(row) : null;
}

export function deleteSegment(db: Database, id: number): boolean {
  return db.run("DELETE FROM segments WHERE id = ?", id).changes > 0;
}
