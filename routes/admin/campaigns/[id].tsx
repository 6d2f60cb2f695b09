// /admin/campaigns/:id: one campaign over the selected period — headline figures, the daily
// trend, its sources, mediums, contents and terms, top and landing pages, its events and
// conversions — the traffic figures kept live by an island (islands/CampaignLive.tsx) — plus a UTM
// link builder (islands/UtmBuilder.tsx: a GET form without script, works read-only too). Signed in, plain POST
// forms change the status (any to any), rename it, and link to the delete confirmation.
import { AdminShell } from "../../../components/AdminShell.tsx";
import CampaignLive from "../../../islands/CampaignLive.tsx";
import UtmBuilder from "../../../islands/UtmBuilder.tsx";
import { StatusBadge } from "../../../components/CampaignStatus.tsx";
import { AnnotationList } from "../../../components/Annotations.tsx";
import { DailyBars } from "../../../components/DailyBars.tsx";
import { DataTable, EmptyRow, Td, Th, Truncated } from "../../../components/DataTable.tsx";
import {
  BUTTON,
  BUTTON_SECONDARY,
  Card,
  ErrorList,
  Field,
  INPUT,
  LINK,
  Notice,
} from "../../../components/ui.tsx";
import { type ChartAnnotation, chartAnnotations } from "../../../lib/admin/annotations.ts";
import { formatDateTime, formatNumber } from "../../../lib/admin/format.ts";
import { annotationsInRange } from "../../../lib/annotations/mod.ts";
import { formPage, redirectWithNotice } from "../../../lib/admin/forms.ts";
import { type AdminFrame, loadAdminFrame } from "../../../lib/admin/frame.ts";
import { adminHref, selectionParams } from "../../../lib/admin/period.ts";
import {
  CAMPAIGN_ID_PATTERN,
  CAMPAIGN_STATUSES,
  type CampaignRecord,
  type CampaignReport,
  type CampaignStatus,
  changeCampaign,
  parseCampaignChange,
  reportRange,
  UTM_TAGS,
  type UtmTags,
} from "../../../lib/campaigns/mod.ts";
import { page, type PageProps } from "../../../lib/fresh/mod.ts";
import { readerFor } from "../../../lib/reads/caller.ts";
import type { Ctx, State } from "../../../lib/state.ts";

/** The UTM link builder's submitted fields (query parameters of this page, without script). */
interface Builder {
  url: string;
  tags: UtmTags;
}

interface Data {
  frame: AdminFrame;
  campaign: CampaignRecord | null;
  report: CampaignReport | null;
  /** The campaign's site's notes, on the report's UTC days. */
  annotations: ChartAnnotation[];
  builder: Builder;
  errors: string[];
  recordAll: boolean;
}

const ACTION_LABELS: Record<CampaignStatus, string> = {
  active: "Activate",
  paused: "Pause",
  archived: "Archive",
};

async function campaignOf(ctx: Ctx): Promise<CampaignRecord | null> {
  const id = ctx.params.id;
  return CAMPAIGN_ID_PATTERN.test(id) ? await ctx.state.services.store.campaigns.get(id) : null;
}

function builderOf(url: URL): Builder {
  const params = url.searchParams;
  const tags: UtmTags = {};
  for (const tag of UTM_TAGS) tags[tag] = params.get(`link_${tag}`)?.slice(0, 256) ?? "";
  return { url: params.get("link_url")?.slice(0, 2048) ?? "", tags };
}

async function render(ctx: Ctx, errors: string[] = [], status?: number) {
  const { config } = ctx.state.services;
  const reads = readerFor(ctx);
  const frame = loadAdminFrame(ctx);
  const campaign = await campaignOf(ctx);
  const report = campaign
    ? await reads.run("campaignReport", campaign, reportRange(frame.selection.period))
    : null;
  const notes = campaign && report
    ? await annotationsInRange(
      ctx.state.services.store.annotations,
      [campaign.site_id],
      report.period,
      "UTC",
    )
    : [];
  return page<Data>({
    frame,
    campaign,
    report,
    annotations: chartAnnotations(notes, "day", "UTC"),
    builder: builderOf(ctx.url),
    errors,
    recordAll: config.utmRecordAll,
  }, { status: status ?? (campaign ? 200 : 404) });
}

export const handler = formPage(render, async (ctx, form) => {
  const campaign = await campaignOf(ctx);
  if (!campaign) return render(ctx);
  const action = form.get("action");
  const input = action === "status"
    ? { status: form.get("status") ?? "" }
    : action === "rename"
    ? { name: form.get("name") ?? "" }
    : null;
  if (input === null) return render(ctx, ["Unknown action."], 400);
  const parsed = parseCampaignChange(input);
  if (!parsed.ok) return render(ctx, parsed.errors, 400);
  await changeCampaign(ctx.state.services, campaign.id, parsed.value);
  const back = adminHref(`/admin/campaigns/${campaign.id}`, loadAdminFrame(ctx).selection);
  return redirectWithNotice(back, "campaign_saved");
});

export default function CampaignPage({ data }: PageProps<Data, State>) {
  const { frame, campaign, report } = data;
  if (!campaign || !report) {
    return (
      <AdminShell title="Campaign" frame={frame} selection={false}>
        <Notice tone="warning">There is no such campaign.</Notice>
        <p>
          <a href={adminHref("/admin/campaigns", frame.selection)} class={LINK}>All campaigns</a>
        </p>
      </AdminShell>
    );
  }
  const self = adminHref(`/admin/campaigns/${campaign.id}`, frame.selection);
  return (
    <AdminShell
      title={campaign.name}
      frame={frame}
      subtitle={
        <>
          <span class="font-mono">utm_campaign={campaign.utm_campaign}</span> on site{" "}
          <span class="font-mono">{campaign.site_id}</span> ·{" "}
          <StatusBadge status={campaign.status} /> · registered{" "}
          {formatDateTime(campaign.created_at, frame.timezone)} · human traffic,{" "}
          {report.period.from} – {report.period.to} (UTC)
        </>
      }
      actions={
        <a class={BUTTON_SECONDARY} href={adminHref("/admin/campaigns", frame.selection)}>
          All campaigns
        </a>
      }
    >
      <ErrorList errors={data.errors} />
      {campaign.status !== "active" && !data.recordAll && (
        <Notice tone="warning">
          This campaign is{" "}
          {campaign.status}: new visits tagged with it are not recorded until it is active again.
        </Notice>
      )}
      {!frame.readOnly && <Controls campaign={campaign} self={self} />}
      <CampaignLive
        campaignId={campaign.id}
        from={report.period.from}
        to={report.period.to}
        initial={{
          views: report.views,
          visitors: report.visitors,
          sessions: report.sessions,
          bounce_rate: report.bounce_rate,
        }}
        events={report.events}
        conversions={report.conversions}
        conversionHint={report.sessions > 0
          ? `${report.conversion_rate}% of sessions sent a custom event`
          : "sessions with a custom event"}
      />
      <Card title="Daily trend">
        <DailyBars
          id="campaign-trend"
          label="Views"
          secondaryLabel="Visitors"
          points={report.dailyTrend.map((d) => ({
            date: d.date,
            value: d.views,
            secondary: d.visitors,
          }))}
          annotations={data.annotations}
        />
        <AnnotationList id="annotations" notes={data.annotations} />
      </Card>
      <div class="grid gap-4 lg:grid-cols-2">
        <Breakdown
          id="by-source"
          title="Sources"
          column="utm_source"
          rows={report.bySource.map((r) => ({ ...r, value: r.utm_source }))}
        />
        <Breakdown
          id="by-medium"
          title="Mediums"
          column="utm_medium"
          rows={report.byMedium.map((r) => ({ ...r, value: r.utm_medium }))}
        />
        <Breakdown
          id="by-content"
          title="Contents"
          column="utm_content"
          rows={report.byContent.map((r) => ({ ...r, value: r.utm_content }))}
        />
        <Breakdown
          id="by-term"
          title="Terms"
          column="utm_term"
          rows={report.byTerm.map((r) => ({ ...r, value: r.utm_term }))}
        />
        <LandingPages report={report} />
        <Breakdown
          id="top-paths"
          title="Pages viewed"
          column="Path"
          rows={report.topPaths.map((r) => ({ ...r, value: r.path }))}
        />
        <EventTable
          id="events-by-type"
          title="Events by type"
          column="Type"
          rows={report.eventsByType.map((r) => ({ ...r, value: r.event_type }))}
        />
        <EventTable
          id="events-by-name"
          title="Custom events (conversions)"
          column="Name"
          rows={report.eventsByName.map((r) => ({ ...r, value: r.event_name }))}
        />
      </div>
      <UrlBuilder data={data} campaign={campaign} />
    </AdminShell>
  );
}

function Controls(props: { campaign: CampaignRecord; self: string }) {
  const { campaign, self } = props;
  return (
    <Card title="Manage">
      <div class="flex flex-wrap items-end gap-4">
        <div class="flex flex-wrap gap-2" id="status-actions">
          {CAMPAIGN_STATUSES.filter((s) => s !== campaign.status).map((status) => (
            <form method="post" action={self}>
              <input type="hidden" name="action" value="status" />
              <input type="hidden" name="status" value={status} />
              <button type="submit" class={BUTTON_SECONDARY} data-set-status={status}>
                {ACTION_LABELS[status]}
              </button>
            </form>
          ))}
        </div>
        <form method="post" action={self} id="rename-campaign" class="flex items-end gap-2">
          <input type="hidden" name="action" value="rename" />
          <div class="w-56">
            <Field label="Name">
              <input
                name="name"
                required
                maxLength={256}
                value={campaign.name}
                class={INPUT}
              />
            </Field>
          </div>
          <button type="submit" class={BUTTON}>Rename</button>
        </form>
        <a
          class={BUTTON_SECONDARY}
          href={`/admin/campaigns/${campaign.id}/delete`}
          id="delete-campaign"
        >
          Delete…
        </a>
      </div>
    </Card>
  );
}

interface Row {
  value: string;
  views: number;
  visitors: number;
}

function Breakdown(props: { id: string; title: string; column: string; rows: Row[] }) {
  return (
    <FigureTable
      id={props.id}
      title={props.title}
      head={[props.column, "Views", "Visitors"]}
      truncate
      rows={props.rows.map((row) => ({
        value: row.value,
        figures: [formatNumber(row.views), formatNumber(row.visitors)],
      }))}
    />
  );
}

function LandingPages(props: { report: CampaignReport }) {
  return (
    <FigureTable
      id="landing-pages"
      title="Landing pages"
      subtitle="First page of each session"
      head={["Path", "Sessions", "Bounce rate"]}
      truncate
      rows={props.report.landingPages.map((row) => ({
        value: row.path,
        figures: [formatNumber(row.sessions), `${row.bounce_rate}%`],
      }))}
    />
  );
}

function EventTable(
  props: {
    id: string;
    title: string;
    column: string;
    rows: { value: string; count: number; unique_visitors: number }[];
  },
) {
  return (
    <FigureTable
      id={props.id}
      title={props.title}
      head={[props.column, "Events", "Visitors"]}
      rows={props.rows.map((row) => ({
        value: row.value,
        figures: [formatNumber(row.count), formatNumber(row.unique_visitors)],
      }))}
    />
  );
}

/**
 * A card with one table of the report: a value per row (also its `data-value`, which tests and
 * scripts select by) and two figures, already formatted. Long values (paths, utm values) are
 * truncated with the whole value in a tooltip.
 */
function FigureTable(
  props: {
    id: string;
    title: string;
    subtitle?: string;
    head: [string, string, string];
    rows: { value: string; figures: [string, string] }[];
    truncate?: boolean;
  },
) {
  const [column, first, second] = props.head;
  return (
    <Card title={props.title} subtitle={props.subtitle} id={props.id}>
      <DataTable
        head={
          <>
            <Th>{column}</Th>
            <Th numeric>{first}</Th>
            <Th numeric>{second}</Th>
          </>
        }
      >
        {props.rows.length === 0 && <EmptyRow columns={3}>None in this period.</EmptyRow>}
        {props.rows.map((row) => (
          <tr data-value={row.value}>
            {props.truncate
              ? (
                <Td wrap>
                  <Truncated value={row.value} max={64} />
                </Td>
              )
              : <Td>{row.value}</Td>}
            <Td numeric>{row.figures[0]}</Td>
            <Td numeric>{row.figures[1]}</Td>
          </tr>
        ))}
      </DataTable>
    </Card>
  );
}

function UrlBuilder(props: { data: Data; campaign: CampaignRecord }) {
  const { builder, frame } = props.data;
  return (
    <Card
      title="UTM link builder"
      subtitle="A landing page link tagged with this campaign; utm_campaign is set for you."
      id="url-builder"
    >
      <UtmBuilder
        action={`/admin/campaigns/${props.campaign.id}`}
        hidden={[...selectionParams(frame.selection)]}
        utmCampaign={props.campaign.utm_campaign}
        url={builder.url}
        tags={builder.tags}
      />
    </Card>
  );
}
