// Reads an operation's inputs through its schemas: path parameters, the query string (values
// trimmed, empty ones absent) and the JSON body. A refusal is a 400 whose message names each bad
// field and its value, with the field's error code (`x-error-code`) or the input's default:
// invalid_param for parameters, invalid_payload for bodies, missing_param for an absent one.
import type { z } from "zod";
import { HttpError } from "../http_error.ts";
import { errorCodeOf, refusesEmpty, rootNameOf, shapeOf } from "./fields.ts";

// Every schema these functions read, and the fields of each object schema: the contract test
// (tests/openapi_test.ts) walks the routes and finds any declared input a route did not read
// through its schema. Weak: nothing is kept alive, nothing grows per request.
const READ = new WeakSet<z.ZodType>();

/** Whether `schema` (or the object it is a field of) was read by a route in this process. */
export function wasRead(schema: z.ZodType): boolean {
  return READ.has(schema);
}

function markRead(schema: z.ZodType): void {
  READ.add(schema);
  for (const field of Object.values(shapeOf(schema) ?? {})) READ.add(field);
}

type WithQuery = { query: z.ZodObject };
type WithParams = { params: z.ZodObject };
type WithBody = { body: z.ZodType };

/** The query string, validated: absent and empty parameters are left out. */
export function readQuery<O extends WithQuery>(operation: O, url: URL): z.output<O["query"]> {
  const raw: Record<string, string> = {};
  for (const [name, schema] of Object.entries(operation.query.shape)) {
    const value = url.searchParams.get(name)?.trim();
    if (value !== undefined && (value !== "" || refusesEmpty(schema))) raw[name] = value;
  }
  return parse<O["query"]>(operation.query, raw, "invalid_param");
}

/** The route's path parameters, validated. */
export function readParams<O extends WithParams>(
  operation: O,
  params: Record<string, string>,
): z.output<O["params"]> {
  return parse<O["params"]>(operation.params, params, "invalid_param");
}

/** A JSON body already read (and capped) by lib/http_body.ts, validated. */
export function readBody<O extends WithBody>(operation: O, body: unknown): z.output<O["body"]> {
  return parse<O["body"]>(operation.body, body, "invalid_payload");
}

// Issues carry the value they refused only when asked: a missing field is told apart by it.
const REPORT_INPUT = { reportInput: true };

/** A body checked without throwing (an admin form shows the messages next to its fields). */
export function checkBody<O extends WithBody>(
  operation: O,
  body: unknown,
): { ok: true; value: z.output<O["body"]> } | { ok: false; errors: string[] } {
  markRead(operation.body);
  const result = operation.body.safeParse(body, REPORT_INPUT);
  if (result.success) return { ok: true, value: result.data as z.output<O["body"]> };
  return { ok: false, errors: issuesOf(operation.body, body, result.error).map(messageOf) };
}

function parse<S extends z.ZodType>(schema: S, value: unknown, fallback: string): z.output<S> {
  markRead(schema);
  const result = schema.safeParse(value, REPORT_INPUT);
  if (result.success) return result.data;
  throw refusal(schema, issuesOf(schema, value, result.error), fallback);
}

/** A long batch stops listing its problems after this many. */
const MAX_MESSAGES = 20;

function refusal(schema: z.ZodType, issues: z.core.$ZodIssue[], fallback: string): HttpError {
  const first = issues[0];
  const field = first.path[0];
  const shape = shapeOf(schema);
  const fieldSchema = shape && field !== undefined ? shape[String(field)] : undefined;
  const missing = isMissing(first) && fieldSchema !== undefined;
  const code = missing && fallback === "invalid_param"
    ? "missing_param"
    : errorCodeOf(fieldSchema) ?? errorCodeOf(schema) ?? fallback;
  return new HttpError(400, code, issues.slice(0, MAX_MESSAGES).map(messageOf).join(" "));
}

/**
 * The issues to report. A union body (one item or a list of them) that refuses a value reports
 * the option the value was meant for — the first that does not refuse its type outright — with
 * paths from that option's name (`namedRoot`); a value of neither type keeps the union's message.
 */
function issuesOf(schema: z.ZodType, value: unknown, error: z.ZodError): z.core.$ZodIssue[] {
  const options = (schema._zod.def as { options?: z.ZodType[] }).options;
  if (!options) return error.issues;
  for (const option of options) {
    const result = option.safeParse(value, REPORT_INPUT);
    const issues = result.error?.issues ?? [];
    if (issues.every((i) => i.code === "invalid_type" && i.path.length === 0)) continue;
    const root = rootNameOf(option);
    return issues.map((i) => ({ ...i, path: root === undefined ? i.path : [root, ...i.path] }));
  }
  return error.issues;
}

function isMissing(issue: z.core.$ZodIssue): boolean {
  return issue.code === "invalid_type" && issue.input === undefined && issue.path.length > 0;
}

/**
 * An issue's message, prefixed with its field unless it names it already: starting with its name
 * or its label in a form ("Site id" for site_id), or showing it as JSON (`{"enabled": true}`).
 */
function messageOf(issue: z.core.$ZodIssue): string {
  const where = fieldPath(issue.path);
  const named = issue.message.startsWith(where) ||
    issue.message.toLowerCase().replaceAll(" ", "_").startsWith(where) ||
    issue.message.includes(`"${where}"`);
  if (where === "" || named) return issue.message;
  // A missing field's own message, if it has one, says more than zod's default.
  const defaultMessage = issue.message.startsWith("Invalid input");
  return isMissing(issue) && defaultMessage ? `${where} is required` : `${where}: ${issue.message}`;
}

/** `["events", 0, "ts"]` → `events[0].ts`. */
function fieldPath(path: readonly PropertyKey[]): string {
  return path.map((key, i) =>
    typeof key === "number" ? `[${key}]` : `${i ? "." : ""}${String(key)}`
  )
    .join("");
}
