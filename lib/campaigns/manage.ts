// Registering, changing and removing campaigns (API and admin pages alike). Every change
// refreshes the collectors' in-memory whitelist at once, so the next hit already follows it.
import {
  campaignByValue,
  campaignIdTaken,
  type CampaignRecord,
  deleteCampaign,
  getCampaign,
  insertCampaign,
  updateCampaign,
} from "../db/campaigns.ts";
import type { Services } from "../services.ts";
import { type CampaignChange, campaignIdBase, type NewCampaign } from "./input.ts";

type CampaignServices = Pick<Services, "db" | "collect" | "now">;

export type CreateOutcome =
  | { kind: "created"; campaign: CampaignRecord }
  /** The (utm_campaign, site) pair is already registered, as `existing`. */
  | { kind: "duplicate_value"; existing: CampaignRecord }
  | { kind: "duplicate_id"; id: string };

export function createCampaign(services: CampaignServices, input: NewCampaign): CreateOutcome {
  const db = services.db;
  const outcome = db.transaction((): CreateOutcome => {
    const existing = campaignByValue(db, input.site_id, input.utm_campaign);
    if (existing) return { kind: "duplicate_value", existing };
    let id = input.id;
    if (id === null) {
      const base = campaignIdBase(input.utm_campaign);
      id = base;
      for (let n = 2; campaignIdTaken(db, id); n++) id = `${base}-${n}`;
    } else if (campaignIdTaken(db, id)) {
      return { kind: "duplicate_id", id };
    }
    insertCampaign(db, { ...input, id, created_at: new Date(services.now()).toISOString() });
    return { kind: "created", campaign: getCampaign(db, id)! };
  });
  if (outcome.kind === "created") services.collect.caches.refreshCampaigns(db);
  return outcome;
}

/** Applies a validated change; null when there is no such campaign. */
export function changeCampaign(
  services: CampaignServices,
  id: string,
  change: CampaignChange,
): CampaignRecord | null {
  if (!updateCampaign(services.db, id, change)) return null;
  services.collect.caches.refreshCampaigns(services.db);
  return getCampaign(services.db, id);
}

/** Removes a campaign's registration; its stored views and events are kept. */
export function removeCampaign(services: CampaignServices, id: string): boolean {
  const removed = deleteCampaign(services.db, id);
  if (removed) services.collect.caches.refreshCampaigns(services.db);
  return removed;
}
