// Validation of campaign input, shared by the JSON API (/api/campaigns) and the admin forms
// (/admin/campaigns): every refusal names the field and the value it got.
import { SITE_ID_PATTERN } from "../config.ts";
import type { Parsed } from "../admin/forms.ts";
import { CAMPAIGN_STATUSES, type CampaignStatus } from "../db/campaigns.ts";
import { stripControl } from "../ingest/encoding.ts";

/** The collectors keep at most 256 characters of a utm_* value, so a longer one never matches. */
export const MAX_UTM_VALUE = 256;
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

export interface CampaignChange {
  name?: string;
  status?: CampaignStatus;
}

function preview(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value) ?? String(value);
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}

/** A text field with control characters removed and trimmed; null when absent or empty. */
function text(
  raw: unknown,
  field: string,
  max: number,
  errors: string[],
): string | null {
  if (raw === undefined || raw === null) return null;
  if (typeof raw !== "string") {
    errors.push(`${field}: must be text, got ${preview(raw)}.`);
    return null;
  }
  const value = stripControl(raw).trim();
  if (value.length > max) {
    errors.push(`${field}: at most ${max} characters, got ${value.length}.`);
    return null;
  }
  return value === "" ? null : value;
}

export function parseStatus(raw: unknown, errors: string[]): CampaignStatus | null {
  if (raw === undefined || raw === null || raw === "") return null;
  if (typeof raw === "string" && (CAMPAIGN_STATUSES as readonly string[]).includes(raw)) {
    return raw as CampaignStatus;
  }
  errors.push(`status: must be one of ${CAMPAIGN_STATUSES.join(", ")}, got ${preview(raw)}.`);
  return null;
}

/** A site id as the collectors store it (lower case); "default" when absent. */
export function parseCampaignSite(raw: unknown, errors: string[]): string {
  if (raw === undefined || raw === null || raw === "") return "default";
  if (typeof raw !== "string" || !SITE_ID_PATTERN.test(raw.trim())) {
    errors.push(`site_id: ${preview(raw)} is not a site id (1-64 of A-Z a-z 0-9 . _ -).`);
    return "default";
  }
  return raw.trim().toLowerCase();
}

/** `{utm_campaign, name?, site_id?, status?, id?}` from a JSON body or a form. */
export function parseNewCampaign(input: Record<string, unknown>): Parsed<NewCampaign> {
  const errors: string[] = [];
  const utm = text(input.utm_campaign, "utm_campaign", MAX_UTM_VALUE, errors);
  if (utm === null && errors.length === 0) errors.push("utm_campaign: required.");
  const name = text(input.name, "name", MAX_CAMPAIGN_NAME, errors);
  const site = parseCampaignSite(input.site_id, errors);
  const status = parseStatus(input.status, errors) ?? "active";
  let id: string | null = null;
  if (input.id !== undefined && input.id !== null && input.id !== "") {
    if (typeof input.id === "string" && CAMPAIGN_ID_PATTERN.test(input.id)) {
      id = input.id;
    } else {
      errors.push(`id: ${preview(input.id)} must be 1-128 of A-Z a-z 0-9 . _ -.`);
    }
  }
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: { id, name: name ?? utm!, utm_campaign: utm!, site_id: site, status },
    notes: [],
  };
}

/** `{name?, status?}`; the value and site identify the campaign and cannot change. */
export function parseCampaignChange(input: Record<string, unknown>): Parsed<CampaignChange> {
  const errors: string[] = [];
  for (const fixed of ["id", "utm_campaign", "site_id"]) {
    if (fixed in input) {
      errors.push(`${fixed}: cannot be changed; register a new campaign instead.`);
    }
  }
  const change: CampaignChange = {};
  if ("name" in input) {
    const name = text(input.name, "name", MAX_CAMPAIGN_NAME, errors);
    if (name === null && errors.length === 0) errors.push("name: must not be empty.");
    if (name !== null) change.name = name;
  }
  if ("status" in input) {
    const status = parseStatus(input.status, errors);
    if (status === null && errors.length === 0) errors.push("status: must not be empty.");
    if (status !== null) change.status = status;
  }
  if (errors.length === 0 && change.name === undefined && change.status === undefined) {
    errors.push("Nothing to change: send name and/or status.");
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: change, notes: [] };
}

/** A readable id for a new campaign: its value in lower case with other characters as "-". */
export function campaignIdBase(utmCampaign: string): string {
  const slug = utmCampaign.toLowerCase().replace(/[^a-z0-9._-]+/g, "-").replace(/^-+|-+$/g, "")
    .slice(0, 100);
  return slug === "" ? "campaign" : slug;
}
