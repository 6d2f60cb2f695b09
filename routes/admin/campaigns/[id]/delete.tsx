// /admin/campaigns/:id/delete: the confirmation step (a page, not a JavaScript confirm) and the
// deletion itself (POST with `confirm` = the campaign id). The registration goes; views and events
// already stored keep their utm values (and, with the whitelist, new visits tagged with the value
// are no longer recorded). Not available in public mode.
import { ConfirmDelete, NothingToDelete } from "../../../../components/ConfirmDelete.tsx";
import {
  assertConfirmed,
  formPage,
  isReadOnly,
  redirectWithNotice,
} from "../../../../lib/admin/forms.ts";
import { type AdminFrame, loadAdminFrame } from "../../../../lib/admin/frame.ts";
import {
  CAMPAIGN_ID_PATTERN,
  type CampaignRecord,
  removeCampaign,
} from "../../../../lib/campaigns/mod.ts";
import { page, type PageProps } from "../../../../lib/fresh/mod.ts";
import type { Ctx, State } from "../../../../lib/state.ts";

interface Data {
  frame: AdminFrame;
  campaign: CampaignRecord | null;
  errors: string[];
}

async function campaignOf(ctx: Ctx): Promise<CampaignRecord | null> {
  const id = ctx.params.id;
  return CAMPAIGN_ID_PATTERN.test(id) ? await ctx.state.services.store.campaigns.get(id) : null;
}

async function render(ctx: Ctx, errors: string[] = [], status?: number) {
  const campaign = isReadOnly(ctx) ? null : await campaignOf(ctx);
  return page<Data>(
    { frame: loadAdminFrame(ctx), campaign, errors },
    { status: status ?? (campaign ? 200 : 404) },
  );
}

export const handler = formPage(render, async (ctx, form) => {
  const campaign = await campaignOf(ctx);
  if (!campaign) return render(ctx);
  assertConfirmed(form, campaign.id);
  await removeCampaign(ctx.state.services, campaign.id);
  return redirectWithNotice("/admin/campaigns", "campaign_deleted");
});

export default function DeleteCampaignPage({ data }: PageProps<Data, State>) {
  const { frame, campaign } = data;
  if (!campaign) {
    return (
      <NothingToDelete frame={frame} noun="campaign" plural="campaigns" list="/admin/campaigns" />
    );
  }
  return (
    <ConfirmDelete
      frame={frame}
      noun="campaign"
      title={`Delete ${campaign.name}?`}
      confirm={campaign.id}
      back={`/admin/campaigns/${campaign.id}`}
      formId="delete-campaign-form"
      errors={data.errors}
    >
      <p class="text-sm">
        The campaign <strong>{campaign.name}</strong> (
        <span class="font-mono">utm_campaign={campaign.utm_campaign}</span> on{" "}
        <span class="font-mono">{campaign.site_id}</span>) will be removed. Views and events already
        counted keep their UTM values; new visits tagged with it are no longer recorded{" "}
        (unless every UTM value is recorded). To stop counting it for a while, pause it instead.
      </p>
    </ConfirmDelete>
  );
}
