// The saved segments area of the store (lib/store/types.ts): per site, a name and a list of
// filters in the query's syntax, checked before they are stored (lib/query/segments.ts).

export interface SegmentRecord {
  id: number;
  site_id: string;
  name: string;
  filters: unknown[];
  /** ISO instant. */
  created_at: string;
}

export interface NewSegment {
  siteId: string;
  name: string;
  filters: unknown[];
}

export interface SegmentStore {
  /** Every segment (of one site when `siteId` is given), by site and name. */
  list(siteId: string | null): Promise<SegmentRecord[]>;
  get(id: number): Promise<SegmentRecord | null>;
  /** Stores a segment: its record, or null when the site already has one of that name. */
  create(segment: NewSegment): Promise<SegmentRecord | null>;
  /** False when it did not exist. */
  delete(id: number): Promise<boolean>;
}
