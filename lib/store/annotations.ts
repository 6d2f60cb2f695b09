// The annotations area of the store (lib/store/types.ts): per site, dated notes drawn on every
// trend chart (lib/annotations/mod.ts owns the rules: what a date may be, the text's length).

export type AnnotationSource = "admin" | "api";

export interface AnnotationRecord {
  id: number;
  site_id: string;
  /** The given date (YYYY-MM-DD), or the UTC date of `at`. */
  day: string;
  /** The instant (ISO, UTC) when one was given, else null (the note is for the whole day). */
  at: string | null;
  text: string;
  source: AnnotationSource;
  /** ISO instant. */
  created_at: string;
}

export interface NewAnnotation {
  siteId: string;
  day: string;
  at: string | null;
  text: string;
  source: AnnotationSource;
}

export interface AnnotationStore {
  /** The sites' annotations whose `day` lies in from..to (inclusive), by day, instant and id;
   * at most `limit`. */
  list(
    siteIds: readonly string[],
    range: { from: string; to: string },
    limit: number,
  ): Promise<AnnotationRecord[]>;
  get(id: number): Promise<AnnotationRecord | null>;
  create(annotation: NewAnnotation): Promise<AnnotationRecord>;
  /** False when it did not exist. */
  delete(id: number): Promise<boolean>;
}
