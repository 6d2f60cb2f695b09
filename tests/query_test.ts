// Tests for lib/ingest/query.ts: parseQuery answers exactly what URLSearchParams answers, for
// well-formed queries (decoded here) and malformed ones (handed to URLSearchParams).
import assert from "node:assert/strict";
import { parseQuery } from "../lib/ingest/query.ts";

const CASES = [
  "",
  "a=1&b=2",
  "p=L2JsYWg%3D&s=Shop&sid=0f8fad5b-d9cb-469f-a165-70867728950e&_v=1500",
  "a=1&a=2&b",
  "=x&&&b=&c==d",
  "q=a+b%2Bc%20d",
  "x=%E2%9C%93&y=caf%C3%A9&z=\u00e9\u4e2d",
  "bad=%zz&ok=1",
  "trail=%",
  "trunc=%E2%9C",
  "overlong=%C0%80",
  "surrogate=%ED%A0%80",
  "lone=\ud800x",
  "bom=%EF%BB%BFx",
  "tok=1%3Asite%3A81650%3A1763700000%3A14%3Asalt%3Amac%3A123",
  "k%20ey=v&k+ey=w",
  "nul=%00&ctl=%1F",
];

Deno.test("parseQuery agrees with URLSearchParams on every case", () => {
  for (const query of CASES) {
    const reference = new URLSearchParams(query);
    const parsed = parseQuery(query);
    const names = new Set([...reference.keys(), "missing", "a", "b", "k ey"]);
    for (const name of names) {
      assert.equal(parsed.get(name), reference.get(name), `${query}: get(${name})`);
      assert.equal(parsed.has(name), reference.has(name), `${query}: has(${name})`);
    }
  }
});

Deno.test("parseQuery agrees with URLSearchParams on generated queries", () => {
  const alphabet = ["a", "b", "=", "&", "+", "%", "2", "B", "E", "F", "C", "3", "é", "\ud83d"];
  let seed = 1947; // a fixed LCG: the same 5000 queries on every run
  const next = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
  for (let i = 0; i < 5000; i++) {
    let query = "";
    for (let n = next(16); n > 0; n--) query += alphabet[next(alphabet.length)];
    const reference = new URLSearchParams(query);
    const parsed = parseQuery(query);
    for (const name of new Set([...reference.keys(), "a", "b", ""])) {
      assert.equal(parsed.get(name), reference.get(name), `${JSON.stringify(query)}: ${name}`);
    }
  }
});
