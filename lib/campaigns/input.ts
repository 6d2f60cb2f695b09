// Campaign input as zod schemas, shared by the JSON API (/api/campaigns, whose OpenAPI operations
// print them: lib/api/operations/campaigns.ts) and the admin forms (/admin/campaigns, through
// checkBody): every refusal names the field and the value it got.
import { z } from "zod";
import { SITE_ID_PATTERN } from "../config.ts";
import type { Parsed } from "../admin/forms.ts";
import { checkBody } from "../api/validate.ts";
import { withCode } from "../api/fields.ts";
import { CAMPAIGN_STATUSES, type CampaignChange, type CampaignStatus } from "../store/campaigns.ts";
import { stripControl } from "../ingest/encoding.ts";
import { MAX_UTM_VALUE } from "./url.ts";

export const MAX_CAMPAIGN_NAME = 256;
/** The reference's campaign id rule. */
export const CAMPAIGN_ID_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;

export interface NewCampaign {
  /** null: derive one from the utm_campaign value. */
  id: string | null;
  name: string;
  utm_campaign: string;
  site_id: string;
  status: CampaignStatus;
}

export type { CampaignChange };

function preview(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value) ?? String(value);
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}

/** An empty value of an optional field means "the default" (a form's empty input). */
const orEmpty = (pattern: RegExp) => new RegExp(`^$|${pattern.source}`);

/**
 * A text field: control characters removed, trimmed, at most `max` characters; `empty` is the
 * message for null or an empty value (absent fields are the object's business).
 */
function text(field: string, max: number, empty: string) {
  return z.string({
    error: (i) => i.input == null ? empty : `${field}: must be text, got ${preview(i.input)}.`,
  })
    .overwrite((raw) => stripControl(raw).trim())
    .max(max, {
      error: (i) => `${field}: at most ${max} characters, got ${(i.input as string).length}.`,
    });
}

function statusField<const S extends readonly string[]>(empty: string, allowed: S) {
  return z.enum(allowed, {
    error: (i) =>
      i.input === null || i.input === ""
        ? empty
        : `status: must be one of ${CAMPAIGN_STATUSES.join(", ")}, got ${preview(i.input)}.`,
  });
}

const siteMessage = (i: { input: unknown }) =>
  `site_id: ${preview(i.input)} is not a site id (1-64 of A-Z a-z 0-9 . _ -).`;

/** A site id as the collectors store it (lower case); absent or empty: `fallback`. */
export function campaignSiteField<F extends string | null>(fallback: F) {
  return z.string({ error: siteMessage })
    .overwrite((raw) => raw.trim())
    .regex(orEmpty(SITE_ID_PATTERN), { error: siteMessage })
    .nullish()
    .transform((raw) => (raw ? raw.toLowerCase() : fallback));
}

const idMessage = (field: string) => (i: { input: unknown }) =>
  `${field}: ${JSON.stringify(String(i.input ?? "").slice(0, 64))} is not a campaign id ` +
  "(1-128 of A-Z a-z 0-9 . _ -)";

/** A campaign id in a path or a query parameter (400 invalid_id). */
export function campaignIdField(field = "id") {
  return withCode(
    z.string({ error: idMessage(field) }).regex(CAMPAIGN_ID_PATTERN, { error: idMessage(field) }),
    "invalid_id",
  );
}

const UTM_REQUIRED = "utm_campaign: required.";

/** `{utm_campaign, name?, site_id?, status?, id?}` from a JSON body or a form. */
export const NEW_CAMPAIGN_BODY = z.object({
  utm_campaign: text("utm_campaign", MAX_UTM_VALUE, UTM_REQUIRED)
    .min(1, { error: UTM_REQUIRED }),
  name: text("name", MAX_CAMPAIGN_NAME, "").nullish().describe("Default: the utm_campaign value"),
  site_id: campaignSiteField("default").describe("Default `default`"),
  status: statusField("", [...CAMPAIGN_STATUSES, ""]).nullish().describe("Default active"),
  id: z.string({ error: (i) => `id: ${preview(i.input)} must be 1-128 of A-Z a-z 0-9 . _ -.` })
    .regex(orEmpty(CAMPAIGN_ID_PATTERN), {
      error: (i) => `id: ${preview(i.input)} must be 1-128 of A-Z a-z 0-9 . _ -.`,
    })
    .nullish()
    .describe("Default: derived from utm_campaign"),
}, { error: "Expected a JSON object {utm_campaign, name?, site_id?, status?, id?}" })
  .transform((input): NewCampaign => ({
    id: input.id || null,
    name: input.name || input.utm_campaign,
    utm_campaign: input.utm_campaign,
    site_id: input.site_id,
    status: (input.status || "active") as CampaignStatus,
  }));

const fixed = (field: string) =>
  z.never({ error: `${field}: cannot be changed; register a new campaign instead.` }).optional()
    .describe("Cannot be changed");

const NOT_EMPTY = (field: string) => `${field}: must not be empty.`;

/** `{name?, status?}`; the value and site identify the campaign and cannot change. */
export const CAMPAIGN_CHANGE_BODY = z.object({
  id: fixed("id"),
  utm_campaign: fixed("utm_campaign"),
  site_id: fixed("site_id"),
  name: text("name", MAX_CAMPAIGN_NAME, NOT_EMPTY("name"))
    .min(1, { error: NOT_EMPTY("name") })
    .optional(),
  status: statusField(NOT_EMPTY("status"), CAMPAIGN_STATUSES).optional(),
}, { error: "Expected a JSON object {name?, status?}" })
  .superRefine((change, ctx) => {
    if (change.name === undefined && change.status === undefined) {
      ctx.addIssue({ code: "custom", message: "Nothing to change: send name and/or status." });
    }
  })
  .transform(({ name, status }): CampaignChange => ({
    ...(name === undefined ? {} : { name }),
    ...(status === undefined ? {} : { status }),
  }));

function parsed<T>(result: { ok: true; value: T } | { ok: false; errors: string[] }): Parsed<T> {
  return result.ok ? { ok: true, value: result.value, notes: [] } : result;
}

/** A new campaign from a form (the admin page); the API reads the same schema. */
export function parseNewCampaign(input: Record<string, unknown>): Parsed<NewCampaign> {
  return parsed(checkBody({ body: NEW_CAMPAIGN_BODY }, input));
}

/** A change from a form (the admin page); the API reads the same schema. */
export function parseCampaignChange(input: Record<string, unknown>): Parsed<CampaignChange> {
  return parsed(checkBody({ body: CAMPAIGN_CHANGE_BODY }, input));
}

/** A readable id for a new campaign: its value in lower case with other characters as "-". */
export function campaignIdBase(utmCampaign: string): string {
  const slug = utmCampaign.toLowerCase().replace(/[^a-z0-9._-]+/g, "-").replace(/^-+|-+$/g, "")
    .slice(0, 100);
  return slug === "" ? "campaign" : slug;
}
