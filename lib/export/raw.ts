// views.csv and events.csv: every stored row of the period (scores and exclusion included), one
// CSV record per hit, streamed from the store's batches (lib/store/exports.ts) so memory stays
// flat however long the range. Private instances only: these rows carry visitor ids and event data.
import type { RawExport } from "../store/exports.ts";
import { csvRow, csvStream } from "./csv.ts";

export function rawCsvStream(
  rows: RawExport,
  onError?: (error: unknown) => void,
): ReadableStream<Uint8Array> {
  return csvStream(csvRow(rows.columns), () => rows.next(), onError);
}
