// Site input as zod schemas, shared by the JSON API (/api/sites, whose OpenAPI operations print
// them: lib/api/operations/sites.ts), the Settings forms (/admin/sites, through checkBody) and
// the admin CLI: site ids, names, consent CSS, the query allowlist and the time zone. Messages
// name the field as the Settings form labels it ("Site id", "Consent CSS", "Time zone").
import { z } from "zod";
import { SITE_ID_PATTERN } from "../config.ts";
import { checkBody } from "../api/validate.ts";
import { withCode } from "../api/fields.ts";
import { isTimeZone } from "../query/time_zone.ts";
import { MAX_CONSENT_CSS_LENGTH, sanitizeCss } from "./css_sanitize.ts";
import type { Parsed } from "./forms.ts";
import type { SiteChange } from "../store/sites.ts";

export const MAX_SITE_NAME = 100;
export const MAX_ALLOWLIST_ENTRIES = 32;
const QUERY_PARAM = /^[A-Za-z0-9_.\-[\]]{1,64}$/;

function preview(value: string): string {
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
}

const siteIdMessage = (value: string) =>
  `Site id: ${preview(value)} must be 1-64 characters of letters, digits, dot, dash or ` +
  `underscore.`;

/** A new site's id: the contract's pattern, stored lower-cased as the collectors compare it. */
export const SITE_ID_FIELD = withCode(
  z.string({ error: () => siteIdMessage("") })
    .overwrite((raw) => raw.trim())
    .regex(SITE_ID_PATTERN, { error: (i) => siteIdMessage(i.input as string) })
    .transform((value) => value.toLowerCase()),
  "invalid_site_id",
).describe("1-64 of A-Z a-z 0-9 . _ -, stored lower-cased");

/** A display name: control characters removed, trimmed; empty or null means none. */
export const SITE_NAME_FIELD = z.string({ error: "Name: must be text." })
  // deno-lint-ignore no-control-regex
  .overwrite((raw) => raw.replace(/[\u0000-\u001F\u007F-\u009F]/g, "").trim())
  .max(MAX_SITE_NAME, { error: `Name: at most ${MAX_SITE_NAME} characters.` })
  .nullish()
  // Absent stays absent (a settings update leaves the name alone); null or empty means none.
  .transform((value) => value === undefined ? undefined : value || null)
  .describe("Control characters are removed; empty or null means none");

/** `{site_id, name?}`: a site to add. */
export const NEW_SITE_BODY = z.object({
  site_id: SITE_ID_FIELD,
  name: SITE_NAME_FIELD,
}, { error: "Expected a JSON object {site_id, name?}" });

/** A validated change of a site's name and settings (the store's own type). */
export type SiteSettingsUpdate = SiteChange;

/** An IANA zone name, stored in the runtime's canonical spelling ("europe/paris" → "Europe/Paris"). */
export const TIME_ZONE_FIELD = z.string({ error: "Time zone: must be text." })
  .overwrite((raw) => raw.trim())
  .refine((zone) => isTimeZone(zone), {
    error: (i) =>
      `Time zone: ${
        preview(String(i.input))
      } is not an IANA time zone (e.g. UTC, Europe/Berlin, America/Los_Angeles).`,
  })
  .transform((zone) =>
    new Intl.DateTimeFormat("en-US", { timeZone: zone }).resolvedOptions().timeZone
  )
  .describe(
    "IANA time zone of the site's days (dashboard, default of POST /api/v2/query); UTC if unset",
  );

const ALLOWLIST_TYPE = "Query allowlist: must be a list of parameter names.";

/** A list or a comma/newline-separated string of query parameter names; null: unchanged. */
const QUERY_ALLOWLIST_FIELD = z.union([z.array(z.string()), z.string()], { error: ALLOWLIST_TYPE })
  .nullish()
  .transform((raw, ctx) => {
    if (raw === null || raw === undefined) return undefined;
    const items = typeof raw === "string" ? raw.split(/[,\n]/) : raw;
    const names = [...new Set(items.map((s) => s.trim()).filter(Boolean))];
    const bad = names.filter((name) => !QUERY_PARAM.test(name));
    const fail = (message: string) => {
      ctx.issues.push({ code: "custom", input: raw, message });
      return z.NEVER;
    };
    if (bad.length > 0) {
      return fail(
        `Query allowlist: ${bad.slice(0, 3).map(preview).join(", ")} ` +
          `${bad.length === 1 ? "is not a" : "are not"} query parameter name${
            bad.length === 1 ? "" : "s"
          } (letters, digits, _ . - [ ], at most 64).`,
      );
    }
    if (names.length > MAX_ALLOWLIST_ENTRIES) {
      return fail(`Query allowlist: at most ${MAX_ALLOWLIST_ENTRIES} names.`);
    }
    return names;
  })
  .describe(
    `Query parameter names kept on stored paths (utm_* always are): a list or a comma- or ` +
      `newline-separated text, at most ${MAX_ALLOWLIST_ENTRIES} names of letters, digits, ` +
      "_ . - [ ] (at most 64 each)",
  );

/**
 * A (partial) settings update from a form or a JSON body: the given fields, checked; the consent
 * CSS sanitised, with what was removed in `notes`.
 */
export const SITE_SETTINGS_BODY = z.object({
  name: SITE_NAME_FIELD,
  consent_css: z.string({ error: "Consent CSS: must be text." })
    .max(MAX_CONSENT_CSS_LENGTH, {
      error: (i) =>
        `Consent CSS: ${
          (i.input as string).length
        } characters, at most ${MAX_CONSENT_CSS_LENGTH} are allowed.`,
    })
    .nullish()
    .describe("The consent banner's CSS, sanitised (what was removed comes back in notes)"),
  send_form_values: z.boolean({ error: "Send form values: must be true or false." }).optional(),
  query_allowlist: QUERY_ALLOWLIST_FIELD,
  time_zone: TIME_ZONE_FIELD.optional(),
}, {
  error:
    "Expected a JSON object {name?, consent_css?, send_form_values?, query_allowlist?, time_zone?}",
}).transform((input) => {
  const update: SiteSettingsUpdate = {};
  const notes: string[] = [];
  if (input.name !== undefined) update.name = input.name;
  if (typeof input.consent_css === "string") {
    const clean = sanitizeCss(input.consent_css.replace(/\r\n/g, "\n"));
    if (clean.removed.length > 0) notes.push(`Removed from the CSS: ${clean.removed.join(", ")}.`);
    update.consent_css = clean.css;
  }
  if (input.send_form_values !== undefined) update.send_form_values = input.send_form_values;
  if (input.query_allowlist !== undefined) update.query_allowlist = input.query_allowlist;
  if (input.time_zone !== undefined) update.time_zone = input.time_zone;
  return { update, notes };
});

/** A new site's id (the admin form and CLI); the API reads the same schema. */
export function parseSiteId(raw: unknown): Parsed<string> {
  const result = checkBody({ body: SITE_ID_FIELD }, raw);
  return result.ok ? { ok: true, value: result.value, notes: [] } : result;
}

/** A display name (the admin form and CLI); the API reads the same schema. */
export function parseSiteName(raw: unknown): Parsed<string | null> {
  const result = checkBody({ body: SITE_NAME_FIELD }, raw);
  return result.ok ? { ok: true, value: result.value ?? null, notes: [] } : result;
}

/** A settings update (the Settings form); the API reads the same schema. */
export function parseSiteSettings(input: Record<string, unknown>): Parsed<SiteSettingsUpdate> {
  const result = checkBody({ body: SITE_SETTINGS_BODY }, input);
  return result.ok ? { ok: true, value: result.value.update, notes: result.value.notes } : result;
}
