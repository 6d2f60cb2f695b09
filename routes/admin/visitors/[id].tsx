// /admin/visitors/:id: one visitor's history — totals, proof-of-work verdicts, and a timeline of
// views and events, each with its stored per-signal score breakdown — and the Exclude/Include
// form (POST here; the same lib functions as /api/bots/exclude). Public mode exposes no visitor
// history at all: the page answers 404 with a notice, and POST is refused.
import { AdminShell } from "../../../components/AdminShell.tsx";
import { DataTable, EmptyRow, Td, Th, Truncated } from "../../../components/DataTable.tsx";
import { ExcludeButton } from "../../../components/ExcludeButton.tsx";
import { ScoreBadge, ScoreBreakdown } from "../../../components/Score.tsx";
import { Card, ErrorList, Notice, StatCard } from "../../../components/ui.tsx";
import { parseText } from "../../../lib/admin/filters.ts";
import { formatDateTime, formatDuration, formatNumber } from "../../../lib/admin/format.ts";
import {
  assertWritable,
  readForm,
  redirectWithNotice,
  safeReturnPath,
} from "../../../lib/admin/forms.ts";
import { type AdminFrame, loadAdminFrame } from "../../../lib/admin/frame.ts";
import { page, type PageProps } from "../../../lib/fresh/mod.ts";
import type { Exclusion, ScoreDetail } from "../../../lib/store/bots.ts";
import type { VisitorTotals } from "../../../lib/store/visitors.ts";
import type { Ctx, State } from "../../../lib/state.ts";

export const MAX_TIMELINE_ROWS = 200;
const MAX_VISITOR_ID = 128;
const MAX_LABEL = 256;

interface TimelineEntry {
  kind: "view" | "event";
  id: number;
  created_at: string;
  site_id: string;
  what: string;
  path: string | null;
  detail: string;
  pow: string | null;
  score: number;
  breakdown: ScoreDetail | null;
}

interface Detail {
  visitorId: string;
  totals: VisitorTotals;
  exclusion: Exclusion | null;
  timeline: TimelineEntry[];
  truncated: boolean;
}

interface Data {
  frame: AdminFrame;
  /** Null when the page is not shown (public mode or unknown visitor). */
  detail: Detail | null;
  reason: "public" | "unknown" | null;
  errors: string[];
}

function validVisitorId(raw: string): string | null {
  return raw !== "" && raw.length <= MAX_VISITOR_ID ? raw : null;
}

async function loadDetail(ctx: Ctx, visitorId: string): Promise<Detail | null> {
  const { store } = ctx.state.services;
  const totals = await store.visitors.totals(visitorId);
  const { exclusion, views, events } = await store.bots.history(visitorId, MAX_TIMELINE_ROWS);
  if (totals.views === 0 && totals.events === 0 && !exclusion) return null;
  const timeline: TimelineEntry[] = [
    ...views.map((v): TimelineEntry => ({
      kind: "view",
      id: v.id,
      created_at: v.created_at,
      site_id: v.site_id,
      what: v.is_spa ? "view (SPA)" : "view",
      path: v.path,
      detail: [
        [v.device_type, v.os_name, v.browser_name].filter(Boolean).join(" · "),
        v.screen_width ? `${v.screen_width}×${v.screen_height}` : "",
        v.country_code ?? "",
        v.referrer ? `from ${v.referrer}` : "",
        v.interaction_ms !== null ? `interaction ${formatDuration(v.interaction_ms)}` : "",
      ].filter(Boolean).join(" · "),
      pow: v.pow_verdict,
      score: v.bot_score,
      breakdown: v.bot_score_detail,
    })),
    ...events.map((e): TimelineEntry => ({
      kind: "event",
      id: e.id,
      created_at: e.created_at,
      site_id: e.site_id,
      what: e.event_name ? `${e.event_type}: ${e.event_name}` : e.event_type,
      path: e.path,
      detail: e.data ?? "",
      pow: typeof e.bot_score_detail?.pow_result === "string"
        ? e.bot_score_detail.pow_result
        : null,
      score: e.bot_score,
      breakdown: e.bot_score_detail,
    })),
  ].sort((a, b) =>
    a.created_at === b.created_at ? b.id - a.id : a.created_at < b.created_at ? 1 : -1
  );
  return {
    visitorId,
    totals,
    exclusion,
    timeline,
    truncated: views.length === MAX_TIMELINE_ROWS || events.length === MAX_TIMELINE_ROWS,
  };
}

function notShown(frame: AdminFrame, reason: "public" | "unknown") {
  return page<Data>({ frame, detail: null, reason, errors: [] }, { status: 404 });
}

export const handler = {
  async GET(ctx: Ctx) {
    const frame = loadAdminFrame(ctx);
    if (frame.readOnly) return notShown(frame, "public");
    const id = validVisitorId(ctx.params.id);
    const detail = id === null ? null : await loadDetail(ctx, id);
    if (!detail) return notShown(frame, "unknown");
    return page<Data>({ frame, detail, reason: null, errors: [] });
  },

  async POST(ctx: Ctx) {
    assertWritable(ctx);
    const { collect, store, now } = ctx.state.services;
    const form = await readForm(ctx);
    const id = validVisitorId(ctx.params.id);
    const frame = loadAdminFrame(ctx);
    if (id === null) return notShown(frame, "unknown");
    const action = form.get("action");
    const label = parseText(form.get("label"), MAX_LABEL);
    const back = safeReturnPath(form.get("return_to"), `/admin/visitors/${encodeURIComponent(id)}`);
    if (action === "exclude") {
      await store.bots.exclude(id, label === "" ? null : label, new Date(now()).toISOString());
      collect.caches.exclude(id);
      return redirectWithNotice(back, "excluded");
    }
    if (action === "include") {
      await store.bots.include(id);
      collect.caches.include(id);
      return redirectWithNotice(back, "included");
    }
    const detail = await loadDetail(ctx, id);
    const errors = [
      `action: ${JSON.stringify((action ?? "").slice(0, 40))} is not "exclude" or "include".`,
    ];
    return page<Data>({ frame, detail, reason: detail ? null : "unknown", errors }, {
      status: 400,
    });
  },
};

export default function VisitorPage({ data }: PageProps<Data, State>) {
  const { frame, detail } = data;
  if (!detail) {
    return (
      <AdminShell title="Visitor" frame={frame} selection={false}>
        <ErrorList errors={data.errors} />
        <Notice tone="warning">
          {data.reason === "public"
            ? "Visitor histories are not available on a public read-only instance."
            : "No views, events or exclusion are stored for this visitor."}
        </Notice>
        <p>
          <a href="/admin/visitors" class="text-indigo-600 hover:underline dark:text-indigo-400">
            Back to visitors
          </a>
        </p>
      </AdminShell>
    );
  }
  const { totals, exclusion } = detail;
  return (
    <AdminShell
      title="Visitor"
      frame={frame}
      selection={false}
      subtitle={<code class="break-all font-mono text-xs">{detail.visitorId}</code>}
      actions={
        <ExcludeButton
          visitorId={detail.visitorId}
          excluded={exclusion !== null}
          returnTo={`/admin/visitors/${encodeURIComponent(detail.visitorId)}`}
          readOnly={frame.readOnly}
        />
      }
    >
      <ErrorList errors={data.errors} />
      {exclusion && (
        <Notice tone="warning">
          Excluded since {formatDateTime(exclusion.created_at, frame.timezone)}
          {exclusion.label ? ` (${exclusion.label})` : ""}: new hits are dropped and stored ones are
          left out of stats.
        </Notice>
      )}
      <section class="grid grid-cols-2 gap-4 lg:grid-cols-4" id="visitor-totals">
        <StatCard label="Views" value={formatNumber(totals.views)} />
        <StatCard label="Events" value={formatNumber(totals.events)} />
        <StatCard
          label="First seen"
          value={formatDateTime(totals.first_seen, frame.timezone).slice(0, 10)}
          hint={formatDateTime(totals.first_seen, frame.timezone)}
        />
        <StatCard
          label="Last seen"
          value={formatDateTime(totals.last_seen, frame.timezone).slice(0, 10)}
          hint={formatDateTime(totals.last_seen, frame.timezone)}
        />
      </section>
      <div class="grid gap-4 md:grid-cols-3">
        <Card title="Highest score">
          <ScoreBadge score={totals.max_score} />
        </Card>
        <Card title="Sites and devices">
          <p class="text-sm">{totals.sites ?? "—"}</p>
          <p class="text-sm text-slate-500">{totals.devices ?? "no device"}</p>
          <p class="text-sm text-slate-500">
            Interaction {formatDuration(totals.interaction_ms)}
          </p>
        </Card>
        <Card title="Proof-of-work verdicts" subtitle="Per stored page view.">
          <ul id="pow-verdicts" class="space-y-1 text-sm">
            {totals.pow_verdicts.length === 0 && <li class="text-slate-500">No page views.</li>}
            {totals.pow_verdicts.map((v) => (
              <li class="flex justify-between gap-3">
                <span class="font-mono">{v.verdict}</span>
                <span class="tabular-nums">{formatNumber(v.views)}</span>
              </li>
            ))}
          </ul>
        </Card>
      </div>
      <Card
        title="Timeline"
        subtitle={detail.truncated
          ? `The latest ${MAX_TIMELINE_ROWS} views and ${MAX_TIMELINE_ROWS} events, newest first.`
          : "Every view and event, newest first."}
      >
        <DataTable
          id="timeline"
          caption="Views and events"
          head={
            <>
              <Th>Time</Th>
              <Th>Kind</Th>
              <Th>Site</Th>
              <Th>Path</Th>
              <Th>Details</Th>
              <Th>PoW</Th>
              <Th>Score</Th>
            </>
          }
        >
          {detail.timeline.length === 0 && <EmptyRow columns={7}>Nothing stored.</EmptyRow>}
          {detail.timeline.map((entry) => (
            <tr data-kind={entry.kind} data-row-id={entry.id}>
              <Td mono>{formatDateTime(entry.created_at, frame.timezone)}</Td>
              <Td>
                <span
                  class={entry.kind === "view"
                    ? "text-indigo-700 dark:text-indigo-300"
                    : "text-slate-600 dark:text-slate-300"}
                >
                  {entry.what}
                </span>
              </Td>
              <Td>{entry.site_id}</Td>
              <Td mono>
                <Truncated value={entry.path} max={48} />
              </Td>
              <Td mono wrap>
                <Truncated value={entry.detail} max={120} />
              </Td>
              <Td>{entry.pow ?? "—"}</Td>
              <Td>
                <ScoreBreakdown score={entry.score} detail={entry.breakdown} />
              </Td>
            </tr>
          ))}
        </DataTable>
      </Card>
    </AdminShell>
  );
}
