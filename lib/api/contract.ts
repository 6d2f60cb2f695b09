// The shape of one API operation's contract: method, path, summary, who may call it, the schemas
// of its path parameters, query and JSON body (which also validate the request: lib/api/
// validate.ts) and its answers. The OpenAPI document (lib/api/openapi.ts) is generated from these
// declarations, one per route and method.
import { z } from "zod";
import type { Method } from "../fresh/types.ts";

/**
 * Who may call an operation:
 * - `public`: anyone (the tracking endpoints, health, this contract);
 * - `read`: ECHELON_SECRET, any API key, or an admin session;
 * - `write`: ECHELON_SECRET, a write API key, or an admin session (same-origin: CSRF check);
 * - `admin`: ECHELON_SECRET or an admin session only — API keys are refused (403
 *   insufficient_scope): instance settings and key management.
 */
export type Auth = "public" | "read" | "write" | "admin";

export type ContentKind = "json" | "csv" | "gif" | "none";

export interface ResponseSpec {
  description: string;
  /** What the body is (default json); `none` for an empty body (204, 303). */
  content?: ContentKind;
  schema?: z.ZodType;
  /** Response headers worth naming, with what they carry. */
  headers?: Readonly<Record<string, string>>;
}

export interface Operation {
  method: Exclude<Method, "HEAD" | "OPTIONS">;
  /** The route pattern as the router spells it, e.g. `/api/sites/:id`. */
  path: string;
  /** The group it is listed under in the document. */
  tag: string;
  summary: string;
  description?: string;
  auth: Auth;
  params?: z.ZodObject;
  query?: z.ZodObject;
  /** The JSON body; refusals default to 400 `invalid_payload`. */
  body?: z.ZodType;
  /** Media types the body may come as (default application/json). */
  bodyTypes?: readonly string[];
  /** Successful answers by status. */
  responses: Readonly<Record<number, ResponseSpec>>;
  /** Refusals this operation itself may answer, beyond those its auth and inputs imply. */
  errors?: Readonly<Record<number, string>>;
}

/** Declares an operation, keeping its schemas' types for `readQuery`/`readBody`. */
export function defineOperation<const T extends Operation>(operation: T): T {
  return operation;
}

/** Every refusal: `{ error: <stable code>, message: <text naming the field and value> }`. */
export const ApiError = z.object({
  error: z.string().describe("A stable machine code, e.g. invalid_param, not_found"),
  message: z.string().describe("What was wrong, naming the field and the value"),
});

/** A JSON answer. */
export function json(description: string, schema?: z.ZodType): ResponseSpec {
  return { description, content: "json", schema };
}

/** A CSV download. */
export function csv(description: string): ResponseSpec {
  return {
    description,
    content: "csv",
    headers: { "content-disposition": 'attachment; filename="echelon-….csv"' },
  };
}

/** An empty answer (204, 303). */
export function empty(description: string, headers?: Record<string, string>): ResponseSpec {
  return { description, content: "none", headers };
}
