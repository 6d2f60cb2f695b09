// Answer schemas from public mode's allow-list (lib/public/policy.ts): the aggregate fields a
// route's answer always carries, as zod. An answer to a caller with credentials may hold more
// fields, so objects stay open (additional properties allowed).
import { z } from "zod";
import { PUBLIC_API } from "../public/policy.ts";
import { ANY_KEY, type Shape } from "../public/shape.ts";

const LEAVES = {
  number: () => z.number().nullable(),
  string: () => z.string().nullable(),
  boolean: () => z.boolean().nullable(),
};

/** A shape of the allow-list as a zod schema. */
export function schemaOfShape(shape: Shape): z.ZodType {
  if (typeof shape === "string") return LEAVES[shape]();
  if (Array.isArray(shape)) return z.array(schemaOfShape(shape[0] as Shape));
  const fields = shape as { readonly [field: string]: Shape };
  if (Object.hasOwn(fields, ANY_KEY)) return z.record(z.string(), schemaOfShape(fields[ANY_KEY]));
  return z.looseObject(
    Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, schemaOfShape(v).optional()])),
  );
}

/** The answer schema of a route public mode lists with a JSON shape (`url` picks between two). */
export function publicAnswer(pattern: string, url?: string): z.ZodType | undefined {
  const read = PUBLIC_API[pattern];
  if (!read || !("json" in read)) return undefined;
  const shape = typeof read.json === "function"
    ? read.json(new URL(url ?? pattern, "http://localhost"))
    : read.json;
  return schemaOfShape(shape);
}
