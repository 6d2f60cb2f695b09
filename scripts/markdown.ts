// Markdown helpers for the README's generated parts and its checks: a block between two marker
// lines (the bench table, the table of contents) and a line walker that knows fenced code and
// the section each line belongs to.

/** Offsets of the lines that are exactly `marker` (prose may quote a marker inside a line). */
function markerLines(text: string, marker: string): number[] {
  const offsets: number[] = [];
  for (let at = text.indexOf(marker); at >= 0; at = text.indexOf(marker, at + 1)) {
    const lineStart = at === 0 || text[at - 1] === "\n";
    const lineEnd = at + marker.length === text.length || text[at + marker.length] === "\n";
    if (lineStart && lineEnd) offsets.push(at);
  }
  return offsets;
}

/** Where the text between the lines `start` and `end` begins and ends; throws naming `file`. */
function blockBounds(text: string, start: string, end: string, file: string) {
  const starts = markerLines(text, start);
  const ends = markerLines(text, end);
  if (starts.length > 1 || ends.length > 1) {
    throw new Error(`${file} has more than one "${start}" … "${end}" block`);
  }
  if (starts.length === 0 || ends.length === 0 || ends[0] < starts[0]) {
    throw new Error(`${file} needs a line "${start}" followed by a line "${end}"`);
  }
  return { from: starts[0] + start.length + 1, to: ends[0] };
}

export interface MarkerBlock {
  start: string;
  end: string;
  /** The file's name, for error messages. */
  file: string;
}

/** The text between the marker lines. */
export function readBlock(text: string, block: MarkerBlock): string {
  const { from, to } = blockBounds(text, block.start, block.end, block.file);
  return text.slice(from, to);
}

/** `text` with the block's content replaced by `body` (a trailing newline is added if missing). */
export function writeBlock(text: string, block: MarkerBlock, body: string): string {
  const { from, to } = blockBounds(text, block.start, block.end, block.file);
  return text.slice(0, from) + (body.endsWith("\n") || body === "" ? body : `${body}\n`) +
    text.slice(to);
}

export interface MarkdownLine {
  /** 1-based line number. */
  number: number;
  text: string;
  /** Inside a fenced code block (the fence lines themselves excluded). */
  fenced: boolean;
  /** An ATX heading outside code: its level and text; null otherwise. */
  heading: { depth: number; text: string } | null;
  /** The text of the nearest heading above (any level), "" before the first. */
  section: string;
}

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const HEADING = /^(#{1,6})\s+(.*?)\s*#*\s*$/;

/** Every line of `text`, classified (fences of ``` or ~~~, closed by a fence at least as long). */
export function markdownLines(text: string): MarkdownLine[] {
  const lines: MarkdownLine[] = [];
  let fence: string | null = null;
  let section = "";
  text.split("\n").forEach((line, index) => {
    const opener = FENCE.exec(line);
    if (fence === null && opener) {
      fence = opener[1];
      lines.push({ number: index + 1, text: line, fenced: false, heading: null, section });
      return;
    }
    if (fence !== null) {
      const closes = opener && opener[1][0] === fence[0] && opener[1].length >= fence.length &&
        line.trim() === opener[1];
      if (closes) fence = null;
      lines.push({ number: index + 1, text: line, fenced: !closes, heading: null, section });
      return;
    }
    const match = HEADING.exec(line);
    const heading = match ? { depth: match[1].length, text: match[2] } : null;
    if (heading) section = heading.text;
    lines.push({ number: index + 1, text: line, fenced: false, heading, section });
  });
  return lines;
}
