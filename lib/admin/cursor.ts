// Keyset-pagination cursors in the query string: the sort-key values of a boundary row, as
// base64url JSON. `?after=` asks for the rows that follow that row in display order (next page),
// `?before=` for the rows that precede it (previous page). A cursor that does not decode to the
// expected shape is ignored (first page), never an error.
import type { CursorValue, PageRequest } from "../store/pages.ts";

export type { CursorValue };
export type CursorShape = readonly ("string" | "number")[];

const MAX_CURSOR_LENGTH = 600;

export function encodeCursor(values: readonly CursorValue[]): string {
  const bytes = new TextEncoder().encode(JSON.stringify(values));
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function decodeCursor(raw: string | null, shape: CursorShape): CursorValue[] | null {
  if (!raw || raw.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(raw)) return null;
  try {
    const binary = atob(raw.replace(/-/g, "+").replace(/_/g, "/"));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    const values: unknown = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
    if (!Array.isArray(values) || values.length !== shape.length) return null;
    const valid = values.every((value, i) =>
      shape[i] === "number"
        ? typeof value === "number" && Number.isFinite(value)
        : typeof value === "string" && value.length <= 256
    );
    return valid ? values as CursorValue[] : null;
  } catch {
    return null;
  }
}

/** The page asked for by `?after=` / `?before=` (after wins when both are given). */
export function pageRequest(url: URL, shape: CursorShape, limit: number): PageRequest {
  const after = decodeCursor(url.searchParams.get("after"), shape);
  if (after) return { cursor: after, direction: "after", limit };
  const before = decodeCursor(url.searchParams.get("before"), shape);
  if (before) return { cursor: before, direction: "before", limit };
  return { cursor: null, direction: "after", limit };
}

/** Query parameters every paged list drops when its filters change. */
export const CURSOR_PARAMS = ["after", "before"] as const;

export interface PageLinks {
  /** Previous page (`?before=` the first row), null on the first page. */
  prev: string | null;
  /** Next page (`?after=` the last row), null on the last page. */
  next: string | null;
  /** The first page, when this one was reached through a cursor. */
  first: string | null;
}

/** Links around a keyset page, keeping every other query parameter of `url`. */
export function pageLinks(
  url: URL,
  page: { rows: Record<string, unknown>[]; hasPrev: boolean; hasNext: boolean },
  keys: readonly string[],
): PageLinks {
  const withCursor = (name: string | null, values: CursorValue[] | null) => {
    const params = new URLSearchParams(url.search);
    for (const param of [...CURSOR_PARAMS, "notice"]) params.delete(param);
    if (name && values) params.set(name, encodeCursor(values));
    const query = params.toString();
    return query ? `${url.pathname}?${query}` : url.pathname;
  };
  const key = (row: Record<string, unknown>) => keys.map((k) => row[k] as CursorValue);
  const rows = page.rows;
  const hasCursor = CURSOR_PARAMS.some((p) => url.searchParams.has(p));
  return {
    prev: page.hasPrev && rows.length > 0 ? withCursor("before", key(rows[0])) : null,
    next: page.hasNext && rows.length > 0 ? withCursor("after", key(rows[rows.length - 1])) : null,
    first: hasCursor ? withCursor(null, null) : null,
  };
}
