// API key management (routes/api/keys/): only an admin session or ECHELON_SECRET, never a key,
// and never on a public instance (403 redacted). The schemas validate the requests.
import { z } from "zod";
import {
  API_KEY_SCOPES,
  type ApiKeyScope,
  MAX_KEY_NAME_LENGTH,
  MAX_LIVE_KEYS,
} from "../../auth/api_keys.ts";
import { defineOperation, json } from "../contract.ts";
import { preview, withCode } from "../fields.ts";

const TAG = "API keys";

const ApiKeyInfo = z.object({
  id: z.number().int(),
  name: z.string(),
  prefix: z.string().describe("The key's first characters"),
  scope: z.enum(API_KEY_SCOPES as readonly [ApiKeyScope, ...ApiKeyScope[]]),
  created_at: z.string(),
  last_used_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
});

const REDACTED = { 403: "A public instance (redacted) or an API key (insufficient_scope)" };

export const listKeys = defineOperation({
  method: "GET",
  path: "/api/keys",
  tag: TAG,
  summary: "Every API key (never a key's text)",
  auth: "admin",
  responses: { 200: json("Keys", z.array(ApiKeyInfo)) },
  errors: REDACTED,
});

const NAME_REQUIRED = "name: a name is required";

export const createKey = defineOperation({
  method: "POST",
  path: "/api/keys",
  tag: TAG,
  summary: "Create an API key; its text is shown this once",
  auth: "admin",
  body: z.object({
    // Control characters go, then the name is trimmed (lib/auth/api_keys.ts parseKeyName).
    name: z.string({ error: NAME_REQUIRED })
      // deno-lint-ignore no-control-regex
      .transform((raw) => raw.replace(/[\u0000-\u001f\u007f]/g, "").trim())
      .pipe(
        z.string()
          .min(1, { error: NAME_REQUIRED })
          .max(MAX_KEY_NAME_LENGTH, {
            error: (i) =>
              `name: ${(i.input as string).length} characters, at most ${MAX_KEY_NAME_LENGTH} ` +
              "are allowed",
          }),
      )
      .describe(`1-${MAX_KEY_NAME_LENGTH} characters`),
    scope: z.enum(API_KEY_SCOPES as readonly [ApiKeyScope, ...ApiKeyScope[]], {
      error: (i) =>
        `scope: ${
          typeof i.input === "string" ? JSON.stringify(i.input.slice(0, 20)) : preview(i.input)
        } must be "read" or "write"`,
    }),
  }, { error: "Expected a JSON object {name, scope}" }),
  responses: {
    201: {
      ...json(
        "Created: `key` is the key's text, shown this once",
        z.object({ created: z.number().int(), key: z.string(), api_key: ApiKeyInfo }),
      ),
    },
  },
  errors: { ...REDACTED, 409: `Already ${MAX_LIVE_KEYS} live keys (too_many_keys)` },
});

export const revokeKey = defineOperation({
  method: "DELETE",
  path: "/api/keys/:id",
  tag: TAG,
  summary: "Revoke a key: it stops working at once",
  auth: "admin",
  params: z.object({
    id: withCode(
      z.string()
        .regex(/^\d{1,15}$/, {
          error: (i) => `id: ${JSON.stringify(String(i.input).slice(0, 40))} is not a key id`,
        })
        .transform(Number)
        .refine((n) => n >= 1, {
          error: (i) => `id: ${JSON.stringify(String(i.input))} is not a key id`,
        }),
      "invalid_id",
    ).describe("The key's id"),
  }),
  responses: { 200: json("Revoked", z.object({ revoked: z.number().int() })) },
  errors: { ...REDACTED, 404: "No such key (not_found)", 409: "Already revoked (conflict)" },
});

export const KEY_OPERATIONS = [listKeys, createKey, revokeKey];
