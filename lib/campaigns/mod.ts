// UTM campaigns: input validation, registration (with the collectors' whitelist kept in step),
// reports and the URL builder. The SQL is in lib/db/campaigns.ts.
export * from "./input.ts";
export * from "./manage.ts";
export * from "./report.ts";
export * from "./url.ts";
export { CAMPAIGN_STATUSES, type CampaignRecord, type CampaignStatus } from "../db/campaigns.ts";
