// Query parameters of the experiment endpoints (list filters, the results' experiment id),
// validated once: a bad value is a 400 naming the parameter and the value, never a 500.
import { SITE_ID_PATTERN } from "../config.ts";
import { HttpError } from "../http_error.ts";
import { EXPERIMENT_ID_PATTERN } from "./definition.ts";
import { type ExperimentStatus, isStatus, STATUSES } from "./model.ts";

export const DEFAULT_LIMIT = 200;
export const MAX_LIMIT = 500;

function param(url: URL, name: string): string | null {
  const raw = url.searchParams.get(name);
  return raw === null || raw.trim() === "" ? null : raw.trim();
}

function preview(value: string): string {
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
}

export function siteParam(url: URL, name = "site_id"): string | null {
  const value = param(url, name);
  if (value === null) return null;
  if (!SITE_ID_PATTERN.test(value)) {
    throw new HttpError(400, "invalid_site_id", `${name}: ${preview(value)} is not a site id`);
  }
  return value.toLowerCase();
}

/** `status=active` or `status=active,paused`; null when absent. */
export function statusesParam(url: URL): ExperimentStatus[] | null {
  const value = param(url, "status");
  if (value === null) return null;
  const list = value.split(",").map((s) => s.trim()).filter(Boolean);
  const bad = list.find((s) => !isStatus(s));
  if (bad !== undefined) {
    throw new HttpError(
      400,
      "invalid_param",
      `status: ${preview(bad)} is not one of ${STATUSES.join(", ")}`,
    );
  }
  return list as ExperimentStatus[];
}

export function limitParam(url: URL): number {
  const value = param(url, "limit");
  if (value === null) return DEFAULT_LIMIT;
  const n = /^\d{1,6}$/.test(value) ? Number(value) : NaN;
  if (!(n >= 1 && n <= MAX_LIMIT)) {
    throw new HttpError(400, "invalid_param", `limit: ${preview(value)} must be 1 to ${MAX_LIMIT}`);
  }
  return n;
}

export function experimentIdParam(url: URL, name = "experiment_id"): string | null {
  const value = param(url, name);
  if (value === null) return null;
  if (!EXPERIMENT_ID_PATTERN.test(value)) {
    throw new HttpError(400, "invalid_param", `${name}: ${preview(value)} is not an experiment id`);
  }
  return value;
}
