// Annotations (migration 20): per site, a dated note with its source; deleted with their site
// (lib/db/sites.ts deleteSite).
import type { AnnotationRecord, NewAnnotation } from "../store/annotations.ts";
import type { Database } from "./database.ts";

const COLUMNS = "id, site_id, day, at, text, source, created_at";

/** The sites' annotations of from..to (by `day`), in date order; at most `limit`. */
export function listAnnotations(
  db: Database,
  siteIds: readonly string[],
  range: { from: string; to: string },
  limit: number,
): AnnotationRecord[] {
  return db.all<AnnotationRecord>(
    `SELECT ${COLUMNS} FROM annotations
     WHERE site_id IN (SELECT value FROM json_each(?)) AND day BETWEEN ? AND ?
     ORDER BY day, COALESCE(at, day), id LIMIT ?`,
    JSON.stringify(siteIds),
    range.from,
    range.to,
    limit,
  );
}

export function getAnnotation(db: Database, id: number): AnnotationRecord | null {
  return db.get<AnnotationRecord>(`SELECT ${COLUMNS} FROM annotations WHERE id = ?`, id) ?? null;
}

export function insertAnnotation(db: Database, annotation: NewAnnotation): AnnotationRecord {
  return db.get<AnnotationRecord>(
    `INSERT INTO annotations (site_id, day, at, text, source) VALUES (?, ?, ?, ?, ?)
     RETURNING ${COLUMNS}`,
    annotation.siteId,
    annotation.day,
    annotation.at,
    annotation.text,
    annotation.source,
  )!;
}

export function deleteAnnotation(db: Database, id: number): boolean {
  return db.run("DELETE FROM annotations WHERE id = ?", id).changes > 0;
}

/** A deleted site's annotations (inside deleteSite's transaction). */
export function deleteSiteAnnotations(db: Database, siteId: string): number {
  return db.run("DELETE FROM annotations WHERE site_id = ?", siteId).changes;
}
