// The README's scoring table lists exactly the signal registry's entries (lib/bots/signals.ts),
// with the same points and group, in the registry's order of precedence.
import assert from "node:assert/strict";
import { SIGNAL_GROUPS, SIGNAL_NAMES, SIGNALS } from "../lib/bots/signals.ts";

const README = new URL("../README.md", import.meta.url);

/** Rows of the table under "### Signals": [key, group, points]. */
function readmeSignals(text: string): [string, string, string][] {
  const section = text.slice(text.indexOf("\n### Signals\n"));
  const start = section.indexOf("\n| Signal");
  assert.ok(start > 0, "README has the signals table");
  const rows: [string, string, string][] = [];
  for (const line of section.slice(start + 1).split("\n").slice(2)) {
    if (!line.startsWith("|")) break;
    const cells = line.split(/(?<!\\)\|/).slice(1, -1).map((c) => c.trim());
    const key = /^`([a-z_]+)`$/.exec(cells[0]);
    assert.ok(key, `a signal key in backticks: ${cells[0]}`);
    rows.push([key[1], cells[1], cells[2]]);
  }
  return rows;
}

Deno.test("README: the scoring table is the signal registry", async () => {
  const rows = readmeSignals(await Deno.readTextFile(README));
  assert.deepEqual(
    rows,
    SIGNAL_NAMES.map((name) => {
      const s = SIGNALS[name];
      return [name, SIGNAL_GROUPS[s.group], s.points === "varies" ? "varies" : `+${s.points}`];
    }),
  );
});

Deno.test("registry: names are unique detail keys and precedences do not tie", () => {
  const precedences = Object.values(SIGNALS).map((s) => s.precedence);
  assert.equal(new Set(precedences).size, precedences.length);
  for (const name of SIGNAL_NAMES) assert.match(name, /^[a-z][a-z0-9_]*$/);
});
