// TEST ONLY fault injection for the fault tests (tests/fault/): with ECHELON_TEST_MAX_PAGES_FILE
// set (production never sets it) the writer connections read a page limit from that file before
// each batch and apply it with `PRAGMA max_page_count`, so inserts hit SQLite's real SQLITE_FULL
// ("database or disk is full") — a disk-full fault without privileges — and the test clears it
// by writing a large limit. A missing or non-numeric file means no limit.
import type { Database } from "./database.ts";

/** SQLite's default maximum page count (SQLITE_MAX_PAGE_COUNT). */
const NO_LIMIT = 4294967294;

export function applyTestPageLimit(db: Database, file: string | null | undefined): void {
  if (!file) return;
  let limit = NO_LIMIT;
  try {
    const value = Number(Deno.readTextFileSync(file).trim());
    if (Number.isInteger(value) && value > 0) limit = Math.min(value, NO_LIMIT);
  } catch {
    // no file: no limit
  }
  db.exec(`PRAGMA max_page_count = ${limit}`);
}
