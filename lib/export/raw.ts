// views.csv and events.csv: every stored row of the period (scores and exclusion included), one
// CSV record per hit, streamed from keyset batches (lib/db/export.ts) so memory stays flat however
// long the range. Private instances only: these rows carry visitor ids and event data.
import type { Row } from "../db/database.ts";
import type { RawBatchReader } from "../db/export.ts";
import { csvRow, csvStream } from "./csv.ts";

export function rawCsvStream(
  columns: readonly string[],
  reader: RawBatchReader,
  onError?: (error: unknown) => void,
): ReadableStream<Uint8Array> {
  const toCells = (row: Row) => columns.map((column) => row[column] as string | number | null);
  return csvStream(csvRow(columns), () => reader.next()?.map(toCells) ?? null, onError);
}
