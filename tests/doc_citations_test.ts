// The notes the code cites live in this repository: every `*.md` path named in a tracked source,
// configuration or documentation file exists; nothing names a design document kept outside it;
// and each citation of a section resolves — "docs/architecture.md, decision N" or
// "docs/architecture.md, "Heading"" to a heading there, "CONTRIBUTING.md, code rule N" to a rule,
// "reference §N" and "reference defect WN" to a row of docs/architecture.md's reference table.
import assert from "node:assert/strict";
import { markdownLines } from "../scripts/markdown.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const SELF = "tests/doc_citations_test.ts";
const ARCHITECTURE = "docs/architecture.md";
const CONTRIBUTING = "CONTRIBUTING.md";

/** Generated, vendored or recorded files: no comments of ours. */
const SKIPPED = [/^dist\//, /^package-lock\.json$/, /^tests\/fixtures\//, /^bench\/results\//];
const TEXT = /\.(ts|tsx|js|css|json|md|lua|sh|service|example)$|(^|\/)(Dockerfile|run)$/;

/** Names of design documents that are not in this repository. */
const OUTSIDE = [
  /\bDESIGN(\.md)?\b/,
  /\bSTYLE(\.md| rule)/,
  /\.\.\/shared\//,
  /architecture[- ]review/i,
  /echelon-behaviou?r/,
  /stack-notes/,
  /operations-review/,
  /\bpeers(-[\d-]+)?\.md/,
  /\bseeds\//,
];

async function trackedFiles(): Promise<string[]> {
  const out = await new Deno.Command("git", { args: ["ls-files", "-z"], cwd: ROOT }).output();
  assert.equal(out.code, 0, "git ls-files");
  return new TextDecoder().decode(out.stdout).split("\0").filter(Boolean);
}

/** The files whose text is ours to check. */
function scanned(file: string): boolean {
  return file !== SELF && TEXT.test(file) && !SKIPPED.some((skip) => skip.test(file));
}

/** Comment continuations joined, so a citation broken over two comment lines reads as one. */
function joined(text: string): string {
  return text.replace(/\n\s*(\/\/|\*|#)\s*/g, " ");
}

/** Where a cited `*.md` path resolves: from the root, from the citing file, or by a unique name. */
function resolves(path: string, from: string, files: Set<string>, names: Map<string, number>) {
  const dir = from.includes("/") ? from.slice(0, from.lastIndexOf("/") + 1) : "";
  const normal = (p: string) => {
    const parts: string[] = [];
    for (const part of p.split("/")) {
      if (part === "..") parts.pop();
      else if (part !== "." && part !== "") parts.push(part);
    }
    return parts.join("/");
  };
  if (files.has(normal(path)) || files.has(normal(dir + path))) return true;
  return !path.includes("/") && names.get(path) === 1;
}

interface Targets {
  decisions: Set<string>;
  headings: Set<string>;
  rules: number;
  reference: Set<string>;
}

async function targets(): Promise<Targets> {
  const architecture = await Deno.readTextFile(`${ROOT}${ARCHITECTURE}`);
  const lines = markdownLines(architecture);
  const headings = new Set(lines.flatMap((l) => l.heading ? [l.heading.text] : []));
  const decisions = new Set(
    [...headings].flatMap((h) => /^Decision (\d+):/.exec(h)?.[1] ?? []),
  );
  const reference = new Set<string>();
  for (const line of lines) {
    if (line.section !== "The reference implementation") continue;
    const cell = /^\|\s*([§W][^|]*?)\s*\|/.exec(line.text)?.[1];
    for (const id of cell?.split(/,\s*/) ?? []) reference.add(id);
  }
  const contributing = markdownLines(await Deno.readTextFile(`${ROOT}${CONTRIBUTING}`));
  const rules = contributing.filter((l) => l.section === "Code rules" && /^\d+\. /.test(l.text))
    .length;
  return { decisions, headings, rules, reference };
}

/** Every broken citation in `text` (the file `file`), as "file: what". */
export function brokenCitations(file: string, text: string, files: Set<string>, t: Targets) {
  const names = new Map<string, number>();
  for (const f of files) {
    const name = f.slice(f.lastIndexOf("/") + 1);
    names.set(name, (names.get(name) ?? 0) + 1);
  }
  const problems: string[] = [];
  for (const pattern of OUTSIDE) {
    const match = pattern.exec(text);
    if (match) problems.push(`${file}: names "${match[0]}", a document outside the repository`);
  }
  for (const match of text.matchAll(/(?<![\w/.:-])((?:\.{1,2}\/)?[\w.-]+(?:\/[\w.-]+)*\.md)\b/g)) {
    if (!resolves(match[1], file, files, names)) {
      problems.push(`${file}: cites ${match[1]}, which is not in the repository`);
    }
  }
  const flat = joined(text);
  for (const match of flat.matchAll(/docs\/architecture\.md, decision (\d+)/g)) {
    if (!t.decisions.has(match[1])) problems.push(`${file}: no decision ${match[1]}`);
  }
  for (const match of flat.matchAll(/docs\/architecture\.md, "([^"]+)"/g)) {
    if (!t.headings.has(match[1])) problems.push(`${file}: no heading "${match[1]}"`);
  }
  for (const match of flat.matchAll(/CONTRIBUTING\.md, code rule (\d+)/g)) {
    const rule = Number(match[1]);
    if (rule < 1 || rule > t.rules) problems.push(`${file}: no code rule ${rule}`);
  }
  for (const match of flat.matchAll(/reference ((?:§[\d.]*\d(?:,? )?)+)/g)) {
    for (const id of match[1].split(/,?\s+/).filter(Boolean)) {
      if (!t.reference.has(id)) problems.push(`${file}: reference ${id} is not in the table`);
    }
  }
  for (const match of flat.matchAll(/reference (?:defects? )?(W\d+(?:\/W\d+)*)/g)) {
    for (const id of match[1].split("/")) {
      if (!t.reference.has(id)) problems.push(`${file}: reference ${id} is not in the table`);
    }
  }
  return problems;
}

Deno.test("comments and docs cite only notes that are in the repository, and they resolve", async () => {
  const files = await trackedFiles();
  const all = new Set(files);
  const t = await targets();
  assert.ok(t.decisions.size >= 10 && t.rules >= 10 && t.reference.size >= 15, "targets parsed");
  const problems: string[] = [];
  for (const file of files.filter(scanned)) {
    problems.push(...brokenCitations(file, await Deno.readTextFile(`${ROOT}${file}`), all, t));
  }
  assert.deepEqual(problems, []);
});

Deno.test("citation checks catch each kind of dangling reference", async () => {
  const t = await targets();
  const files = new Set(["README.md", "docs/architecture.md", "lib/x.ts", "bench/results/soak.md"]);
  const check = (text: string) => brokenCitations("lib/x.ts", text, files, t);
  assert.deepEqual(check("// fine: docs/architecture.md, decision 3; soak.md; ../README.md"), []);
  assert.deepEqual(check('// docs/architecture.md, "Scale-out"; CONTRIBUTING.md, code rule 6'), [
    "lib/x.ts: cites CONTRIBUTING.md, which is not in the repository",
  ]);
  assert.deepEqual(check("// (DESIGN decision 3)"), [
    'lib/x.ts: names "DESIGN", a document outside the repository',
  ]);
  assert.deepEqual(check("// see ../shared/notes.md"), [
    'lib/x.ts: names "../shared/", a document outside the repository',
    "lib/x.ts: cites ../shared/notes.md, which is not in the repository",
  ]);
  assert.deepEqual(check("// docs/architecture.md,\n// decision 99"), [
    "lib/x.ts: no decision 99",
  ]);
  assert.deepEqual(check('// docs/architecture.md, "Nowhere"'), ['lib/x.ts: no heading "Nowhere"']);
  assert.deepEqual(check("// reference §1.2, §99 and reference defects W23/W98"), [
    "lib/x.ts: reference §99 is not in the table",
    "lib/x.ts: reference W98 is not in the table",
  ]);
});
