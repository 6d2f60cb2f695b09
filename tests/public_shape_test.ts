// The allow-list of public mode (lib/public): `publicCopy` keeps exactly the declared fields of
// the declared types, and every JSON shape of lib/public/policy.ts fits the real answer of its
// route (a declared field whose type changed would silently vanish from the public dashboard).
import assert from "node:assert/strict";
import { PUBLIC_API } from "../lib/public/mod.ts";
import { ANY_KEY, publicCopy, type Shape } from "../lib/public/shape.ts";
import { BEARER, secretFixture } from "./_public_fixture.ts";

Deno.test("public shape: undeclared fields and wrong types are left out, nested and listed", () => {
  const shape: Shape = {
    site_id: "string",
    views: "number",
    top: [{ path: "string", views: "number" }],
    expected: { [ANY_KEY]: "number" },
  };
  const answer = {
    site_id: "shop",
    views: "12",
    visitor_id: "a1b2c3d4e5f60718",
    top: [{ path: "/", views: 3, label: "secret" }, "not a row", null],
    expected: { control: 0.5, green: "x", ["__proto__"]: 1 },
  };
  const copy = publicCopy(JSON.parse(JSON.stringify(answer)), shape) as Record<string, unknown>;
  assert.deepEqual(JSON.parse(JSON.stringify(copy)), {
    site_id: "shop",
    top: [{ path: "/", views: 3 }, null],
    expected: { control: 0.5, ["__proto__"]: 1 },
  });
  assert.equal(
    Object.getPrototypeOf(copy.expected),
    Object.prototype,
    "a data key, not a prototype",
  );
  assert.equal(publicCopy([1, 2], { a: "number" }), undefined, "a list is not an object");
  assert.equal(publicCopy({ a: 1 }, ["number"]), undefined, "an object is not a list");
  assert.equal(publicCopy(null, { a: "number" }), null);
});

/** Paths of declared fields the answer has but whose value does not fit the declared shape. */
function lost(value: unknown, shape: Shape, at: string): string[] {
  if (value === null || value === undefined) return [];
  if (publicCopy(value, shape) === undefined) return [`${at}: ${JSON.stringify(value)}`];
  if (Array.isArray(shape)) {
    return (value as unknown[]).flatMap((item, i) => lost(item, shape[0] as Shape, `${at}[${i}]`));
  }
  if (typeof shape === "string") return [];
  const fields = shape as Record<string, Shape>;
  const source = value as Record<string, unknown>;
  const keys = ANY_KEY in fields ? Object.keys(source) : Object.keys(fields);
  return keys.flatMap((key) => lost(source[key], fields[ANY_KEY] ?? fields[key], `${at}.${key}`));
}

Deno.test("public shape: every declared JSON answer fits its shape on a full fixture", async () => {
  const fixture = await secretFixture();
  try {
    const { owner, secrets } = fixture;
    const query = new URLSearchParams({ ...secrets.query, compare: "previous" });
    let checked = 0;
    for (const [route, read] of Object.entries(PUBLIC_API)) {
      if (!("json" in read)) continue;
      for (const id of route.includes(":") ? secrets.ids : [""]) {
        const path = route.replace(/:[a-z_]+/, encodeURIComponent(id));
        for (const search of ["", `?${query}`]) {
          const res = await owner.request(path + search, { headers: BEARER });
          if (res.status !== 200) {
            await res.body?.cancel();
            continue;
          }
          const url = new URL(path + search, "http://echelon.test");
          const shape: Shape = typeof read.json === "function" ? read.json(url) : read.json;
          assert.deepEqual(lost(await res.json(), shape, path + search), []);
          checked++;
        }
      }
    }
    assert.ok(checked >= 20, `${checked} answers checked`);
  } finally {
    await fixture.close();
  }
});
