// Campaigns on SQLite (lib/store/campaigns.ts), over lib/db/campaigns.ts: a registration checks
// the value and the id and inserts in one transaction, so two writers cannot both take them.
import type { Database } from "../../db/database.ts";
import { listActiveCampaigns } from "../../db/lookups.ts";
import {
  campaignByValue,
  campaignIdTaken,
  deleteCampaign,
  getCampaign,
  insertCampaign,
  listCampaigns,
  updateCampaign,
} from "../../db/campaigns.ts";
import type {
  CampaignCreation,
  CampaignRecord,
  CampaignRegistration,
  CampaignStore,
} from "../campaigns.ts";

/** A plain record (the driver's rows have no prototype). */
const plain = (row: CampaignRecord | null): CampaignRecord | null => row && { ...row };

function register(db: Database, { campaign, derivedId }: CampaignRegistration): CampaignCreation {
  return db.transaction((): CampaignCreation => {
    const existing = campaignByValue(db, campaign.site_id, campaign.utm_campaign);
    if (existing) return { kind: "duplicate_value", existing: plain(existing)! };
    let id = campaign.id;
    if (derivedId) {
      for (let n = 2; campaignIdTaken(db, id); n++) id = `${campaign.id}-${n}`;
    } else if (campaignIdTaken(db, id)) {
      return { kind: "duplicate_id", id };
    }
    insertCampaign(db, { ...campaign, id });
    return { kind: "created", campaign: plain(getCampaign(db, id))! };
  });
}

export function sqliteCampaigns(db: Database): CampaignStore {
  return {
    list: (filter) => Promise.try(() => listCampaigns(db, filter).map((row) => ({ ...row }))),
    get: (id) => Promise.try(() => plain(getCampaign(db, id))),
    create: (registration) => Promise.try(() => register(db, registration)),
    update: (id, change) =>
      Promise.try(() => updateCampaign(db, id, change) ? plain(getCampaign(db, id)) : null),
    delete: (id) => Promise.try(() => deleteCampaign(db, id)),
    activeBySite: () => Promise.try(() => listActiveCampaigns(db)),
  };
}
