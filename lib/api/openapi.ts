// The OpenAPI 3.1 document of the API (GET /api/openapi.json), generated from the operations'
// declarations (lib/api/operations/): their zod schemas become JSON Schema 2020-12, the dialect
// of OpenAPI 3.1 (spec §4.8.24), and their auth becomes security requirements. It holds no
// instance data: no host, no site, no setting — only the version of the code that serves it.
import { z } from "zod";
import { ApiError, type Auth, type ContentKind, type Operation } from "./contract.ts";
import { ERROR_CODE_KEY } from "./fields.ts";
import { SESSION_COOKIE } from "../auth/sessions.ts";
import { PUBLIC_API } from "../public/policy.ts";

type JsonSchema = Record<string, unknown>;

const MEDIA: Record<Exclude<ContentKind, "none">, string> = {
  json: "application/json",
  csv: "text/csv; charset=utf-8",
  gif: "image/gif",
};

const ERROR_REF = { $ref: "#/components/schemas/Error" };

/** Refusals every operation with this auth may answer. */
const AUTH_ERRORS: Record<Auth, Record<number, string>> = {
  public: {},
  read: { 401: "No valid credentials (unauthorized, invalid_api_key)" },
  write: {
    401: "No valid credentials (unauthorized, invalid_api_key)",
    403: "A read-only key (insufficient_scope), a cross-site session request (csrf) or a " +
      "public instance (read_only)",
  },
  admin: {
    401: "No valid credentials (unauthorized, invalid_api_key)",
    403: "An API key (insufficient_scope: only ECHELON_SECRET or an admin session), a " +
      "cross-site session request (csrf) or a public instance (read_only)",
  },
};

/** `/api/sites/:id` → `/api/sites/{id}`. */
export function openApiPath(pattern: string): string {
  return pattern.replace(/:([A-Za-z_]\w*)/g, "{$1}");
}

function toSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, {
    io,
    target: "draft-2020-12",
    unrepresentable: "any",
    override: ({ jsonSchema }) => {
      // zod bounds every integer by ±(2^53 - 1); JSON numbers are doubles anyway, so say nothing.
      if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum;
      if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
    },
  }) as JsonSchema;
  return rest;
}

function parameters(schema: z.ZodObject | undefined, where: "path" | "query") {
  if (!schema) return [];
  const json = toSchema(schema, "input");
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const { description, [ERROR_CODE_KEY]: code, ...rest } = property;
    return {
      name,
      in: where,
      required: where === "path" || required.has(name),
      ...(description ? { description } : {}),
      schema: rest,
      ...(code ? { [ERROR_CODE_KEY]: code } : {}),
    };
  });
}

function content(kind: ContentKind | undefined, schema: z.ZodType | undefined) {
  if (kind === "none") return undefined;
  const media = MEDIA[kind ?? "json"];
  if (kind === "gif") {
    return { [media]: { schema: { type: "string", contentMediaType: "image/gif" } } };
  }
  if (kind === "csv") return { [media]: { schema: { type: "string" } } };
  return { [media]: { schema: schema ? toSchema(schema, "output") : {} } };
}

function responses(operation: Operation) {
  const out: Record<string, unknown> = {};
  for (const [status, spec] of Object.entries(operation.responses)) {
    out[status] = {
      description: spec.description,
      ...(spec.headers
        ? {
          headers: Object.fromEntries(
            Object.entries(spec.headers).map(([name, description]) => [
              name,
              { description, schema: { type: "string" } },
            ]),
          ),
        }
        : {}),
      ...(content(spec.content, spec.schema)
        ? { content: content(spec.content, spec.schema) }
        : {}),
    };
  }
  const errors: Record<number, string> = { ...AUTH_ERRORS[operation.auth] };
  if (operation.params || operation.query || operation.body) {
    errors[400] = "A bad parameter or body; the message names the field and its value";
  }
  if (operation.body) errors[413] = "The body is larger than this operation accepts";
  Object.assign(errors, operation.errors);
  for (const [status, description] of Object.entries(errors)) {
    out[status] = { description, content: { "application/json": { schema: ERROR_REF } } };
  }
  return out;
}

function operationId(operation: Operation): string {
  const words = operation.path.split(/[^A-Za-z0-9]+/).filter(Boolean);
  return operation.method.toLowerCase() +
    words.map((w) => w[0].toUpperCase() + w.slice(1)).join("");
}

function operationObject(operation: Operation) {
  const isPublicInPublicMode = operation.method === "GET" &&
    Object.hasOwn(PUBLIC_API, operation.path);
  const body = operation.body;
  return {
    operationId: operationId(operation),
    tags: [operation.tag],
    summary: operation.summary,
    ...(operation.description ? { description: operation.description } : {}),
    security: operation.auth === "public" ? [] : [{ bearer: [] }, { session: [] }],
    "x-echelon-auth": operation.auth,
    "x-public-mode": operation.auth === "public" || isPublicInPublicMode,
    parameters: [
      ...parameters(operation.params, "path"),
      ...parameters(operation.query, "query"),
    ],
    ...(body
      ? {
        requestBody: {
          required: true,
          content: Object.fromEntries(
            (operation.bodyTypes ?? ["application/json"]).map((type) => [
              type,
              { schema: toSchema(body, "input") },
            ]),
          ),
        },
      }
      : {}),
    responses: responses(operation),
  };
}

/** The document for these operations, served as version `version`. */
export function openApiDocument(operations: readonly Operation[], version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const operation of operations) {
    const path = (paths[openApiPath(operation.path)] ??= {});
    path[operation.method.toLowerCase()] = operationObject(operation);
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Echelon Analytics API",
      version,
      description: "The HTTP API of a self-hosted Echelon Analytics instance: statistics, sites, " +
        "bots, campaigns, experiments, exports and the tracking endpoints. Every refusal is JSON " +
        "`{error, message}`. `x-echelon-auth` says who may call an operation (public, read, " +
        "write, admin); `x-public-mode` whether an anonymous caller may on a public instance " +
        "(ECHELON_PUBLIC_MODE), where answers carry aggregate fields only.",
      license: { name: "MIT", identifier: "MIT" },
    },
    servers: [{ url: "/" }],
    tags: [...new Set(operations.map((o) => o.tag))].map((name) => ({ name })),
    paths,
    components: {
      schemas: { Error: toSchema(ApiError, "output") },
      securitySchemes: {
        bearer: {
          type: "http",
          scheme: "bearer",
          description: "ECHELON_SECRET, or an API key (`ek_…`, read or write scope) from " +
            "Settings or POST /api/keys",
        },
        session: {
          type: "apiKey",
          in: "cookie",
          name: SESSION_COOKIE,
          description: "An admin session from /admin/login; writes must come from the same origin",
        },
      },
    },
  };
}
