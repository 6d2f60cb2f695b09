// CSV for the exports: RFC 4180 records (CRLF, quotes doubled, quoted when needed), text cells
// made formula-safe (OWASP "CSV injection": a leading = + - @ TAB or CR gets an apostrophe;
// numbers stay numbers), titled sections, and a stream that pulls one batch at a time.

export type CsvValue = string | number | boolean | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One field: formula-safe, then quoted when RFC 4180 requires it. */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  if (typeof value === "boolean") return value ? "1" : "0";
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One record, CRLF-terminated. */
export function csvRow(cells: readonly CsvValue[]): string {
  return cells.map(csvCell).join(",") + "\r\n";
}

/**
 * A titled block of a multi-section file (the Nanolytica export's layout): a `# Title` line, the
 * header, the rows and a blank line. Each section is a valid CSV table on its own.
 */
export interface CsvSection {
  title: string;
  header: readonly string[];
  rows: Iterable<readonly CsvValue[]>;
}

export function csvSection(section: CsvSection): string {
  let text = csvRow([`# ${section.title}`]) + csvRow(section.header);
  for (const row of section.rows) text += csvRow(row);
  return text + "\r\n";
}

type Batch = readonly (readonly CsvValue[])[];

/**
 * A byte stream that pulls one batch of rows at a time from `next` (null when done): a large
 * export never sits in memory, and a slow client slows the reads instead of filling a buffer
 * (the stream's queue holds one batch). `prefix` is written first (the header).
 */
export function csvStream(
  prefix: string,
  next: () => Promise<Batch | null> | Batch | null,
  onError?: (error: unknown) => void,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode(prefix));
        return;
      }
      let batch: Batch | null;
      try {
        batch = await next();
      } catch (error) {
        onError?.(error);
        controller.error(error);
        return;
      }
      if (batch === null) {
        controller.close();
        return;
      }
      let text = "";
      for (const row of batch) text += csvRow(row);
      controller.enqueue(encoder.encode(text));
    },
  }, { highWaterMark: 1 });
}
