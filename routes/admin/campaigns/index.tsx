// /admin/campaigns: the registered UTM campaigns of the selected site (or all) with their human
// views, visitors, sessions and bounce rate in the selected period, an optional status filter,
// and a form to register one (POST here). Only active campaigns are recorded by the collectors
// unless ECHELON_UTM_RECORD_ALL=true. Public mode lists them without the form.
import { AdminShell } from "../../../components/AdminShell.tsx";
import { DataTable, EmptyRow, Td, Th } from "../../../components/DataTable.tsx";
import { BUTTON, Card, ErrorList, Field, INPUT, LINK } from "../../../components/ui.tsx";
import { formatDate, formatNumber } from "../../../lib/admin/format.ts";
import { assertWritable, readForm } from "../../../lib/admin/forms.ts";
import { type AdminFrame, loadAdminFrame } from "../../../lib/admin/frame.ts";
import { adminHref } from "../../../lib/admin/period.ts";
import {
  CAMPAIGN_STATUSES,
  type CampaignStatus,
  type CampaignSummary,
  createCampaign,
  parseNewCampaign,
  reportRange,
} from "../../../lib/campaigns/mod.ts";
import { page, type PageProps } from "../../../lib/fresh/mod.ts";
import { readerFor } from "../../../lib/reads/caller.ts";
import type { Ctx, State } from "../../../lib/state.ts";
import { StatusBadge } from "../../../components/CampaignStatus.tsx";

interface FormValues {
  utm_campaign: string;
  name: string;
  site_id: string;
  status: string;
}

interface Data {
  frame: AdminFrame;
  status: CampaignStatus | null;
  campaigns: CampaignSummary[];
  recordAll: boolean;
  errors: string[];
  form: FormValues;
}

function statusFilter(ctx: Ctx): CampaignStatus | null {
  const raw = ctx.url.searchParams.get("status");
  return (CAMPAIGN_STATUSES as readonly string[]).includes(raw ?? "")
    ? raw as CampaignStatus
    : null;
}

async function load(ctx: Ctx, errors: string[] = [], form?: FormValues): Promise<Data> {
  const { config } = ctx.state.services;
  const reads = readerFor(ctx);
  const frame = loadAdminFrame(ctx);
  const status = statusFilter(ctx);
  const { site, period } = frame.selection;
  return {
    frame,
    status,
    campaigns: await reads.run("campaignSummaries", reportRange(period), { siteId: site, status }),
    recordAll: config.utmRecordAll,
    errors,
    form: form ??
      { utm_campaign: "", name: "", site_id: site ?? "default", status: "active" },
  };
}

export const handler = {
  async GET(ctx: Ctx) {
    return page<Data>(await load(ctx));
  },

  async POST(ctx: Ctx) {
    assertWritable(ctx);
    const form = await readForm(ctx);
    const echo: FormValues = {
      utm_campaign: (form.get("utm_campaign") ?? "").slice(0, 300),
      name: (form.get("name") ?? "").slice(0, 300),
      site_id: (form.get("site_id") ?? "").slice(0, 64),
      status: form.get("status") ?? "active",
    };
    const parsed = parseNewCampaign({ ...echo, status: echo.status || undefined });
    if (!parsed.ok) return page<Data>(await load(ctx, parsed.errors, echo), { status: 400 });
    const outcome = await createCampaign(ctx.state.services, parsed.value);
    if (outcome.kind !== "created") {
      const message = outcome.kind === "duplicate_value"
        ? `utm_campaign: "${parsed.value.utm_campaign}" is already registered for site ` +
          `"${parsed.value.site_id}" as "${outcome.existing.name}".`
        : `A campaign with id "${outcome.id}" already exists.`;
      return page<Data>(await load(ctx, [message], echo), { status: 409 });
    }
    const href = `/admin/campaigns/${encodeURIComponent(outcome.campaign.id)}`;
    return new Response(null, {
      status: 303,
      headers: { location: `${href}?notice=campaign_created` },
    });
  },
};

export default function CampaignsPage({ data }: PageProps<Data, State>) {
  const { frame } = data;
  const selection = frame.selection;
  const filterHref = (status: CampaignStatus | null) =>
    adminHref("/admin/campaigns", selection, { status });
  return (
    <AdminShell
      title="Campaigns"
      frame={frame}
      subtitle={`UTM campaigns, human traffic only, ${selection.period.label.toLowerCase()} (UTC days). ${
        data.recordAll
          ? "Every utm_* value is recorded (ECHELON_UTM_RECORD_ALL)."
          : "Only links tagged with an active campaign's utm_campaign are recorded."
      }`}
    >
      <ErrorList errors={data.errors} />
      {!frame.readOnly && <NewCampaignForm data={data} />}
      <Card>
        <nav aria-label="Status" class="mb-3 flex flex-wrap gap-3 text-sm" id="status-filter">
          {[null, ...CAMPAIGN_STATUSES].map((status) => (
            <a
              href={filterHref(status)}
              class={status === data.status ? "font-semibold" : LINK}
              aria-current={status === data.status ? "page" : undefined}
            >
              {status === null ? "All" : status[0].toUpperCase() + status.slice(1)}
            </a>
          ))}
        </nav>
        <DataTable
          id="campaigns-table"
          caption="Campaigns"
          head={
            <>
              <Th>Campaign</Th>
              <Th>utm_campaign</Th>
              <Th>Site</Th>
              <Th>Status</Th>
              <Th numeric>Views</Th>
              <Th numeric>Visitors</Th>
              <Th numeric>Sessions</Th>
              <Th numeric>Bounce rate</Th>
              <Th>Created</Th>
            </>
          }
        >
          {data.campaigns.length === 0 && (
            <EmptyRow columns={9}>
              No campaigns{data.status ? ` with status ${data.status}` : ""}
              {selection.site ? ` for ${selection.site}` : ""}.{" "}
              {frame.readOnly ? "" : "Register one above, then tag your links with its value."}
            </EmptyRow>
          )}
          {data.campaigns.map((c) => (
            <tr data-campaign={c.id}>
              <Td>
                <a class={LINK} href={adminHref(`/admin/campaigns/${c.id}`, selection)}>
                  {c.name}
                </a>
              </Td>
              <Td mono>{c.utm_campaign}</Td>
              <Td mono>{c.site_id}</Td>
              <Td>
                <StatusBadge status={c.status} />
              </Td>
              <Td numeric>{formatNumber(c.views)}</Td>
              <Td numeric>{formatNumber(c.visitors)}</Td>
              <Td numeric>{formatNumber(c.sessions)}</Td>
              <Td numeric>{c.sessions > 0 ? `${c.bounce_rate}%` : "—"}</Td>
              <Td>{formatDate(c.created_at, frame.timezone)}</Td>
            </tr>
          ))}
        </DataTable>
      </Card>
    </AdminShell>
  );
}

function NewCampaignForm(props: { data: Data }) {
  const { form, frame } = props.data;
  return (
    <Card
      title="Register a campaign"
      subtitle="Links carrying ?utm_campaign=<value> on this site are then counted (values are compared exactly)."
    >
      <form
        method="post"
        action={adminHref("/admin/campaigns", frame.selection)}
        id="new-campaign"
        class="flex flex-wrap items-end gap-3"
      >
        <div class="w-full sm:w-56">
          <Field label="utm_campaign value">
            <input
              name="utm_campaign"
              required
              maxLength={256}
              placeholder="spring-sale"
              value={form.utm_campaign}
              class={INPUT}
            />
          </Field>
        </div>
        <div class="w-full sm:w-56">
          <Field label="Name (optional)">
            <input name="name" maxLength={256} value={form.name} class={INPUT} />
          </Field>
        </div>
        <div class="w-full sm:w-44">
          <Field label="Site">
            <input
              name="site_id"
              required
              maxLength={64}
              pattern="[A-Za-z0-9._\-]{1,64}"
              list="campaign-sites"
              value={form.site_id}
              class={INPUT}
            />
          </Field>
          <datalist id="campaign-sites">
            {frame.sites.options.map((site) => (
              <option key={site.site_id} value={site.site_id}>{site.name ?? ""}</option>
            ))}
          </datalist>
        </div>
        <div class="w-full sm:w-36">
          <Field label="Status">
            <select name="status" class={INPUT}>
              {CAMPAIGN_STATUSES.map((status) => (
                <option value={status} selected={status === form.status}>{status}</option>
              ))}
            </select>
          </Field>
        </div>
        <button type="submit" class={BUTTON}>Register</button>
      </form>
    </Card>
  );
}
