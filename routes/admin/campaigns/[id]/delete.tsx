// /admin/campaigns/:id/delete: the confirmation step (a page, not a JavaScript confirm) and the
// deletion itself (POST with `confirm` = the campaign id). The registration goes; views and events
// already stored keep their utm values (and, with the whitelist, new visits tagged with the value
// are no longer recorded). Not available in public mode.
import { AdminShell } from "../../../../components/AdminShell.tsx";
import {
  BUTTON_DANGER,
  BUTTON_SECONDARY,
  Card,
  ErrorList,
  LINK,
  Notice,
} from "../../../../components/ui.tsx";
import {
  assertWritable,
  isReadOnly,
  readForm,
  redirectWithNotice,
} from "../../../../lib/admin/forms.ts";
import { type AdminFrame, loadAdminFrame } from "../../../../lib/admin/frame.ts";
import {
  CAMPAIGN_ID_PATTERN,
  type CampaignRecord,
  removeCampaign,
} from "../../../../lib/campaigns/mod.ts";
import { getCampaign } from "../../../../lib/db/campaigns.ts";
import { page, type PageProps } from "../../../../lib/fresh/mod.ts";
import type { Ctx, State } from "../../../../lib/state.ts";

interface Data {
  frame: AdminFrame;
  campaign: CampaignRecord | null;
  errors: string[];
}

function campaignOf(ctx: Ctx): CampaignRecord | null {
  const id = ctx.params.id;
  return CAMPAIGN_ID_PATTERN.test(id) ? getCampaign(ctx.state.services.db, id) : null;
}

function render(ctx: Ctx, errors: string[] = [], status?: number) {
  const campaign = isReadOnly(ctx) ? null : campaignOf(ctx);
  return page<Data>(
    { frame: loadAdminFrame(ctx), campaign, errors },
    { status: status ?? (campaign ? 200 : 404) },
  );
}

export const handler = {
  GET(ctx: Ctx) {
    return render(ctx);
  },

  async POST(ctx: Ctx) {
    assertWritable(ctx);
    const form = await readForm(ctx);
    const campaign = campaignOf(ctx);
    if (!campaign) return render(ctx);
    if (form.get("confirm") !== campaign.id) {
      return render(ctx, ["Confirm the deletion with the button on this page."], 400);
    }
    removeCampaign(ctx.state.services, campaign.id);
    return redirectWithNotice("/admin/campaigns", "campaign_deleted");
  },
};

export default function DeleteCampaignPage({ data }: PageProps<Data, State>) {
  const { frame, campaign } = data;
  if (!campaign) {
    return (
      <AdminShell title="Delete campaign" frame={frame} selection={false}>
        <Notice tone="warning">
          {frame.readOnly
            ? "Campaigns cannot be changed on a public read-only instance."
            : "There is no such campaign."}
        </Notice>
        <p>
          <a href="/admin/campaigns" class={LINK}>All campaigns</a>
        </p>
      </AdminShell>
    );
  }
  const back = `/admin/campaigns/${campaign.id}`;
  return (
    <AdminShell title={`Delete ${campaign.name}?`} frame={frame} selection={false}>
      <ErrorList errors={data.errors} />
      <Card>
        <form method="post" action={`${back}/delete`} id="delete-campaign-form" class="space-y-4">
          <input type="hidden" name="confirm" value={campaign.id} />
          <p class="text-sm">
            The campaign <strong>{campaign.name}</strong> (
            <span class="font-mono">utm_campaign={campaign.utm_campaign}</span> on{" "}
            <span class="font-mono">{campaign.site_id}</span>) will be removed. Views and events
            already counted keep their UTM values; new visits tagged with it are no longer recorded
            {" "}
            (unless every UTM value is recorded). To stop counting it for a while, pause it instead.
          </p>
          <div class="flex gap-2">
            <button type="submit" class={BUTTON_DANGER}>Delete campaign</button>
            <a href={back} class={BUTTON_SECONDARY}>Cancel</a>
          </div>
        </form>
      </Card>
    </AdminShell>
  );
}
