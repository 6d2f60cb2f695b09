// Keyset pages (no OFFSET) of the lists read by name (lib/reads/registry.ts: views, events,
// visitors): a page is the rows strictly after (or before) a boundary row's sort key, so every
// row is listed once however deep the reader goes. lib/admin/cursor.ts carries the sort key in
// the query string.

/** One value of a sort key. */
export type CursorValue = string | number;

export interface PageRequest {
  /** Sort-key values of the boundary row; null for the first page. */
  cursor: readonly CursorValue[] | null;
  /** "after": the rows following the cursor in display order; "before": those preceding it. */
  direction: "after" | "before";
  limit: number;
}

export interface KeysetPage<T> {
  rows: T[];
  hasPrev: boolean;
  hasNext: boolean;
}
