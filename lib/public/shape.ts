// The allow-list language of public mode: a shape names every field a public answer may carry
// and the type of its value; `publicCopy` builds a new value from those fields alone, so a field
// nobody declared (a visitor id, a label, a setting added later) never reaches a public caller.

/** A scalar field: the value must be of this type (or null), anything else is left out. */
export type Leaf = "number" | "string" | "boolean";

/**
 * What a public answer may hold: a scalar, a list whose items have one shape (`[item]`), an
 * object with exactly the declared fields, or an object whose keys are data (`{ "*": value }`,
 * e.g. the expected share per variant id).
 */
export type Shape =
  | Leaf
  | readonly [Shape]
  | { readonly [field: string]: Shape };

const FITS: Record<Leaf, (value: unknown) => boolean> = {
  number: (value) => typeof value === "number",
  string: (value) => typeof value === "string",
  boolean: (value) => typeof value === "boolean",
};

/** The key that marks an object whose keys are data rather than field names. */
export const ANY_KEY = "*";

/** `value` reduced to what `shape` allows; undefined when it does not fit the shape at all. */
export function publicCopy(value: unknown, shape: Shape): unknown {
  if (value === null) return null;
  if (typeof shape === "string") return FITS[shape](value) ? value : undefined;
  if (Array.isArray(shape)) {
    if (!Array.isArray(value)) return undefined;
    const item = shape[0] as Shape;
    return value.map((entry) => publicCopy(entry, item)).filter((entry) => entry !== undefined);
  }
  if (typeof value !== "object" || Array.isArray(value)) return undefined;
  const fields = shape as { readonly [field: string]: Shape };
  const source = value as Record<string, unknown>;
  const anyKey = Object.hasOwn(fields, ANY_KEY) ? fields[ANY_KEY] : null;
  const kept: [string, unknown][] = [];
  for (const key of anyKey ? Object.keys(source) : Object.keys(fields)) {
    if (!Object.hasOwn(source, key)) continue;
    const copy = publicCopy(source[key], anyKey ?? fields[key]);
    if (copy !== undefined) kept.push([key, copy]);
  }
  // fromEntries defines own properties: a data key such as "__proto__" stays plain data.
  return Object.fromEntries(kept);
}

/** A list of records with these scalar fields (the usual top list or time series). */
export function rows(fields: Record<string, Leaf>): readonly [Shape] {
  return [fields];
}

/** A top list: one label field and its counts, e.g. `ranked("path", "views", "visitors")`. */
export function ranked(label: string, ...counts: string[]): readonly [Shape] {
  return rows({ [label]: "string", ...numbers(...counts) });
}

/** Number fields by name. */
export function numbers(...names: string[]): Record<string, Leaf> {
  return Object.fromEntries(names.map((name) => [name, "number" as const]));
}

/** String fields by name. */
export function strings(...names: string[]): Record<string, Leaf> {
  return Object.fromEntries(names.map((name) => [name, "string" as const]));
}
