// `deno task readme:toc`: rewrites README.md's table of contents (between its toc markers) from
// its ## and ### headings, with GitHub's anchors (github-slugger, which numbers repeated headings
// as GitHub does). tests/readme_toc_test.ts fails when the committed table is stale.
// `deno task readme:toc [file]`: README.md by default.
import GithubSlugger from "github-slugger";
import { markdownLines, type MarkerBlock, readBlock, writeBlock } from "./markdown.ts";

export const README = new URL("../README.md", import.meta.url);
export const TOC_BLOCK: MarkerBlock = {
  start: "<!-- toc:start (deno task readme:toc) -->",
  end: "<!-- toc:end -->",
  file: "README.md",
};

/** The levels listed: ## as the top entries, ### nested under them. */
const LISTED = new Set([2, 3]);

export interface Heading {
  /** 1-based line number. */
  line: number;
  depth: number;
  /** The heading as written (inline code kept). */
  text: string;
  /** GitHub's anchor, without the `#`. */
  anchor: string;
}

/** Every heading outside code blocks with its GitHub anchor, in order (all levels count). */
export function headings(markdown: string): Heading[] {
  const slugger = new GithubSlugger();
  return markdownLines(markdown).flatMap((line) =>
    line.heading
      ? [{ line: line.number, ...line.heading, anchor: slugger.slug(line.heading.text) }]
      : []
  );
}

/** The table of contents as a nested Markdown list of the headings after the block. */
export function renderToc(markdown: string): string {
  const end = markdownLines(markdown).find((line) => line.text === TOC_BLOCK.end)?.number ?? 0;
  return headings(markdown)
    .filter((heading) => heading.line > end && LISTED.has(heading.depth))
    .map((heading) => {
      const indent = "  ".repeat(heading.depth - 2);
      // Brackets in a link's text would end it early.
      const label = heading.text.replace(/([[\]])/g, "\\$1");
      return `${indent}- [${label}](#${heading.anchor})\n`;
    })
    .join("");
}

/** `markdown` with its table of contents rewritten (blank lines around the list, as fmt wants). */
export function withToc(markdown: string): string {
  return writeBlock(markdown, TOC_BLOCK, `\n${renderToc(markdown)}\n`);
}

/** The list currently between the markers. */
export function committedToc(markdown: string): string {
  return readBlock(markdown, TOC_BLOCK).trim() + "\n";
}

if (import.meta.main) {
  // A path argument rewrites another file (the tests use a copy); the default is README.md.
  const file = Deno.args[0] ?? README;
  const name = Deno.args[0] ?? "README.md";
  const before = await Deno.readTextFile(file);
  const after = withToc(before);
  const entries = renderToc(after).split("\n").filter(Boolean).length;
  if (after === before) {
    console.log(`${name}: the table of contents is up to date (${entries} entries)`);
  } else {
    await Deno.writeTextFile(file, after);
    console.log(`${name}: table of contents rewritten (${entries} entries)`);
  }
}
