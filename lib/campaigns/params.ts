// Query parameters of the campaign API routes: the optional site and status filters and the
// campaign id in the path, each refused with 400 naming the parameter (never a 500).
import { CAMPAIGN_ID_PATTERN, parseCampaignSite, parseStatus } from "./input.ts";
import type { CampaignFilter } from "../db/campaigns.ts";
import { HttpError } from "../http_error.ts";

/** `site_id` and `status`, both optional. */
export function campaignFilter(url: URL): CampaignFilter {
  const errors: string[] = [];
  const rawSite = url.searchParams.get("site_id")?.trim() || null;
  const siteId = rawSite === null ? null : parseCampaignSite(rawSite, errors);
  const status = parseStatus(url.searchParams.get("status")?.trim() || null, errors);
  if (errors.length > 0) throw new HttpError(400, "invalid_param", errors.join(" "));
  return { siteId, status };
}

/** A campaign id from the path or a query parameter. */
export function campaignId(raw: string | null | undefined, name = "id"): string {
  if (!raw || !CAMPAIGN_ID_PATTERN.test(raw)) {
    throw new HttpError(
      400,
      "invalid_id",
      `${name}: ${JSON.stringify((raw ?? "").slice(0, 64))} is not a campaign id ` +
        "(1-128 of A-Z a-z 0-9 . _ -)",
    );
  }
  return raw;
}
