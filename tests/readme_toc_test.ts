// README.md's table of contents is generated (`deno task readme:toc`): the committed one matches
// the headings, the task rewrites a stale one in place (fmt-clean), anchors are GitHub's, and every
// in-page link of the README leads to a heading or an explicit anchor.
import assert from "node:assert/strict";
import { committedToc, headings, README, renderToc, TOC_BLOCK } from "../scripts/readme_toc.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const FIX = "npx -y deno@2.9.6 task readme:toc";

Deno.test("README: the table of contents lists every ## and ### heading, in order", async () => {
  const readme = await Deno.readTextFile(README);
  assert.equal(committedToc(readme), renderToc(readme), `the table is stale: run \`${FIX}\``);
  const listed = committedToc(readme).split("\n").filter(Boolean).length;
  const sections = readme.split("\n").filter((line) => /^##{1,2} /.test(line)).length;
  // Headings inside code blocks are not counted by renderToc; the README has none of ## or ###.
  assert.equal(listed, sections - 1, "every ## and ### heading but the table's own");
});

Deno.test("readme:toc rewrites a stale table in a copy, and the result passes fmt", async () => {
  const dir = await Deno.makeTempDir({ prefix: "echelon-toc-" });
  try {
    const copy = `${dir}/README.md`;
    const sample = [
      "# Title",
      "",
      "## Contents",
      "",
      TOC_BLOCK.start,
      "",
      "- [Gone](#gone)",
      "",
      TOC_BLOCK.end,
      "",
      "## Quick start",
      "",
      "```bash",
      "# not a heading",
      "```",
      "",
      "### `GET /b.gif` — page views",
      "",
      "#### Too deep",
      "",
      "## Quick start",
      "",
      "### What [counts] as a human?",
      "",
    ].join("\n");
    await Deno.writeTextFile(copy, sample);
    const run = await new Deno.Command(Deno.execPath(), {
      args: ["task", "readme:toc", copy],
      cwd: ROOT,
      env: { NO_COLOR: "1" },
    }).output();
    const stdout = new TextDecoder().decode(run.stdout);
    assert.equal(run.code, 0, new TextDecoder().decode(run.stderr));
    assert.match(stdout, /table of contents rewritten \(4 entries\)/);
    const written = await Deno.readTextFile(copy);
    assert.equal(
      written.slice(written.indexOf(TOC_BLOCK.start), written.indexOf(TOC_BLOCK.end)),
      [
        TOC_BLOCK.start,
        "",
        "- [Quick start](#quick-start)",
        "  - [`GET /b.gif` — page views](#get-bgif--page-views)",
        "- [Quick start](#quick-start-1)",
        "  - [What \\[counts\\] as a human?](#what-counts-as-a-human)",
        "",
        "",
      ].join("\n"),
    );
    assert.ok(written.endsWith("### What [counts] as a human?\n"), "the rest is untouched");
    const fmt = await new Deno.Command(Deno.execPath(), {
      args: ["fmt", "--check", "--line-width=100", copy],
      env: { NO_COLOR: "1" },
    }).output();
    assert.equal(fmt.code, 0, new TextDecoder().decode(fmt.stderr));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("README: every in-page link leads to a heading or an explicit anchor", async () => {
  const readme = await Deno.readTextFile(README);
  const anchors = new Set(headings(readme).map((heading) => heading.anchor));
  for (const match of readme.matchAll(/<a id="([^"]+)">/g)) anchors.add(match[1]);
  const broken = [...readme.matchAll(/\]\(#([^)\s]+)\)/g)]
    .map((match) => match[1])
    .filter((anchor) => !anchors.has(anchor));
  assert.deepEqual(broken, [], "links to anchors that no heading makes");
});
