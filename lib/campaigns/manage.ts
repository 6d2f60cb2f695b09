// Registering, changing and removing campaigns (API and admin pages alike), through the store
// (lib/store/campaigns.ts). Every change refreshes the collectors' in-memory whitelist at once, so
// the next hit already follows it.
import type { Services } from "../services.ts";
import type { CampaignCreation, CampaignRecord } from "../store/campaigns.ts";
import { type CampaignChange, campaignIdBase, type NewCampaign } from "./input.ts";

type CampaignServices = Pick<Services, "store" | "collect" | "now">;

export type CreateOutcome = CampaignCreation;

/**
 * Registers a campaign; without an id, one derived from its value (`-2`, `-3`… when taken). The
 * checks and the insert are one store operation, so two racing requests cannot both register it.
 */
export async function createCampaign(
  services: CampaignServices,
  input: NewCampaign,
): Promise<CreateOutcome> {
  const outcome = await services.store.campaigns.create({
    campaign: {
      ...input,
      id: input.id ?? campaignIdBase(input.utm_campaign),
      created_at: new Date(services.now()).toISOString(),
    },
    derivedId: input.id === null,
  });
  if (outcome.kind === "created") {
    await services.collect.caches.refreshCampaigns(services.store.campaigns);
  }
  return outcome;
}

/** Applies a validated change; null when there is no such campaign. */
export async function changeCampaign(
  services: CampaignServices,
  id: string,
  change: CampaignChange,
): Promise<CampaignRecord | null> {
  const changed = await services.store.campaigns.update(id, change);
  if (changed) await services.collect.caches.refreshCampaigns(services.store.campaigns);
  return changed;
}

/** Removes a campaign's registration; its stored views and events are kept. */
export async function removeCampaign(services: CampaignServices, id: string): Promise<boolean> {
  const removed = await services.store.campaigns.delete(id);
  if (removed) await services.collect.caches.refreshCampaigns(services.store.campaigns);
  return removed;
}
