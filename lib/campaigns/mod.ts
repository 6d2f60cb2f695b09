// UTM campaigns: input validation, registration (with the collectors' whitelist kept in step),
// reports and the URL builder. The registry is the store's (lib/store/campaigns.ts).
export * from "./input.ts";
export * from "./manage.ts";
export * from "./report.ts";
export * from "./url.ts";
export { CAMPAIGN_STATUSES, type CampaignRecord, type CampaignStatus } from "../store/campaigns.ts";
