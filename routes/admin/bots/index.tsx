// /admin/bots: what the bot defence did in the period — stored views by score bucket, signal and
// proof-of-work verdict; suspicious visitors (score ≥ min_score, default the bot threshold) with
// links to their per-hit breakdowns and Exclude buttons; excluded visitors with Include buttons;
// the known-bot report (per bot, path and day) and dropped hits per reason; "why excluded": the
// hits not counted by stored main reason and signal group (lib/bots/why_excluded.ts), each with
// its explanation and a link to example views. The reads are the bots API's (lib/store/bots.ts).
// Public mode shows the aggregates only: no visitor ids, no forms, no links to raw views.
import { AdminShell } from "../../../components/AdminShell.tsx";
import { DataTable, EmptyRow, Td, Th, Truncated } from "../../../components/DataTable.tsx";
import { ExcludeButton } from "../../../components/ExcludeButton.tsx";
import { ExportLink } from "../../../components/ExportLink.tsx";
import { FilterForm, MinScoreField } from "../../../components/FilterForm.tsx";
import { ScoreCell } from "../../../components/Score.tsx";
import { BUTTON_SECONDARY, Card, INPUT, StatCard } from "../../../components/ui.tsx";
import { VisitorLink } from "../../../components/VisitorLink.tsx";
import { botCategory } from "../../../lib/bots/known_bots.ts";
import { signalInfo } from "../../../lib/bots/signals.ts";
import {
  type ExplainedGroup,
  type ExplainedReason,
  explainGroups,
  explainReasons,
} from "../../../lib/bots/why_excluded.ts";
import { adminHref } from "../../../lib/admin/period.ts";
import { parseIntIn } from "../../../lib/admin/filters.ts";
import { formatAge, formatDateTime, formatNumber } from "../../../lib/admin/format.ts";
import { type AdminFrame, loadAdminFrame } from "../../../lib/admin/frame.ts";
import type {
  ExcludedVisitor,
  KnownBotTraffic,
  ScoredViews,
  SuspiciousVisitor,
} from "../../../lib/store/bots.ts";
import { BOT_SCORE_THRESHOLD } from "../../../lib/bots/thresholds.ts";
import { page, type PageProps } from "../../../lib/fresh/mod.ts";
import { readerFor } from "../../../lib/reads/caller.ts";
import type { Ctx, State } from "../../../lib/state.ts";

/**
 * Rows of the suspicious-visitor table: since no proof means no human, every tokenless script is
 * listed here, so the page shows the top of the list (the bots CSV holds up to 1000) and stays
 * small (tests/fault/site_flood_test.ts: < 200 KB).
 */
export const MAX_SUSPICIOUS = 50;
export const MAX_EXCLUDED = 500;

interface Data {
  frame: AdminFrame;
  minScore: number;
  scored: ScoredViews;
  knownBots: (KnownBotTraffic & { category: string })[];
  byDay: { date: string; hits: number }[];
  dropped: { reason: string; endpoint: string; hits: number }[];
  reasons: ExplainedReason[];
  groups: ExplainedGroup[];
  /** Null in public mode. */
  suspicious: SuspiciousVisitor[] | null;
  excluded: ExcludedVisitor[] | null;
  returnTo: string;
}

export const handler = {
  async GET(ctx: Ctx) {
    const frame = loadAdminFrame(ctx);
    const { collect } = ctx.state.services;
    const reads = readerFor(ctx);
    // Counters still in memory belong in the report.
    await collect.flushCounters();
    const { site, period } = frame.selection;
    const range = { siteId: site, sinceDate: period.from };
    const minScore = parseIntIn(
      ctx.url.searchParams.get("min_score"),
      1,
      100,
      BOT_SCORE_THRESHOLD,
    );
    const report = await reads.run("botReport", range);
    return page<Data>({
      frame,
      minScore,
      scored: report.scored,
      knownBots: report.knownBots.map((bot) => ({ ...bot, category: botCategory(bot.bot_name) })),
      byDay: report.byDay,
      dropped: report.dropped,
      reasons: explainReasons(report.excluded.reasons),
      groups: explainGroups(report.excluded.groups),
      suspicious: frame.readOnly ? null : await reads.run("suspiciousVisitors", {
        siteId: site,
        minScore,
        limit: MAX_SUSPICIOUS,
        since: period.since,
      }),
      excluded: frame.readOnly ? null : await reads.run("excludedVisitors", MAX_EXCLUDED),
      returnTo: ctx.url.pathname + ctx.url.search,
    });
  },
};

export default function BotsPage({ data }: PageProps<Data, State>) {
  const { frame, scored } = data;
  const period = frame.selection.period;
  return (
    <AdminShell
      title="Bots"
      frame={frame}
      subtitle={`Since ${period.from} (UTC) · ${frame.selection.site ?? "all sites"}`}
      actions={<ExportLink kind="bots" selection={frame.selection} readOnly={frame.readOnly} />}
    >
      <section class="grid grid-cols-3 gap-4" id="score-buckets">
        <StatCard
          label="Clean views"
          value={formatNumber(scored.buckets.clean)}
          hint="score < 25"
        />
        <StatCard
          label="Suspicious views"
          value={formatNumber(scored.buckets.medium)}
          hint={`25 – ${BOT_SCORE_THRESHOLD - 1}`}
        />
        <StatCard
          label="Bot views"
          value={formatNumber(scored.buckets.bot)}
          hint={`score ≥ ${BOT_SCORE_THRESHOLD}`}
        />
      </section>
      <WhyExcluded data={data} />
      {data.suspicious && <Suspicious data={data} rows={data.suspicious} />}
      {data.excluded && <Excluded data={data} rows={data.excluded} />}
      {/* Public mode has no crawler report (lib/public/policy.ts): no link to a refusal. */}
      {data.frame.username !== null && (
        <a
          class="text-indigo-600 hover:underline dark:text-indigo-400"
          href={data.returnTo.replace("/admin/bots", "/admin/bots/crawlers")}
          id="crawlers-link"
        >
          Crawlers seen on the server (access logs, verified by IP, next to AI referrals) →
        </a>
      )}
      <div class="grid gap-4 lg:grid-cols-2">
        <KnownBots rows={data.knownBots} />
        <Card title="Known-bot hits per day" subtitle="Counted, never stored as views.">
          <SimpleTable
            id="known-bots-by-day"
            columns={["Day", "Hits"]}
            numeric={["Hits"]}
            rows={data.byDay.map((d) => [d.date, formatNumber(d.hits)])}
            empty="No known-bot hits."
          />
        </Card>
        <Card title="Dropped hits" subtitle="Per reason and endpoint.">
          <SimpleTable
            id="dropped"
            columns={["Reason", "Endpoint", "Hits"]}
            numeric={["Hits"]}
            rows={data.dropped.map((d) => [d.reason, d.endpoint, formatNumber(d.hits)])}
            empty="Nothing dropped."
          />
        </Card>
        <Card title="Score signals" subtitle="Stored views per signal, with the points it added.">
          <SimpleTable
            id="signals"
            columns={["Signal", "Views", "Points"]}
            numeric={["Views", "Points"]}
            rows={scored.by_signal.map((s) => [
              signalInfo(s.signal) ? `${signalInfo(s.signal)!.label} (${s.signal})` : s.signal,
              formatNumber(s.rows),
              formatNumber(s.points),
            ])}
            empty="No signal fired."
          />
        </Card>
        <Card title="Proof-of-work verdicts" subtitle="Stored views per verdict.">
          <SimpleTable
            id="pow-verdicts"
            columns={["Verdict", "Views"]}
            numeric={["Views"]}
            rows={scored.pow_verdicts.map((v) => [v.verdict, formatNumber(v.rows)])}
            empty="No views."
          />
        </Card>
      </div>
    </AdminShell>
  );
}

/** Hits not counted in the period, by main reason (with a link to examples) and by group. */
function WhyExcluded(props: { data: Data }) {
  const { frame, reasons, groups } = props.data;
  const examples = (reason: string) =>
    adminHref("/admin/views", frame.selection, { bots: "bots", reason });
  return (
    <Card
      id="why-excluded"
      title="Why excluded"
      subtitle={`Views and events scored ${BOT_SCORE_THRESHOLD} or more, by their main reason. ` +
        "Unverified views (a valid proof but no real interaction) are readers, not bots."}
    >
      <DataTable
        id="why-excluded-table"
        caption="Hits not counted, by main reason"
        head={
          <>
            <Th>Reason</Th>
            <Th>Group</Th>
            <Th numeric>Views</Th>
            <Th numeric>Visitors</Th>
            <Th numeric>Events</Th>
          </>
        }
      >
        {reasons.length === 0 && <EmptyRow columns={5}>Every hit was counted.</EmptyRow>}
        {reasons.map((r) => (
          <tr data-reason={r.reason}>
            <Td wrap>
              <strong>{r.unverified ? `${r.label} — unverified` : r.label}</strong>{" "}
              <code>{r.reason}</code>
              <div class="text-xs text-slate-500">{r.explanation}</div>
            </Td>
            <Td>{groups.find((g) => g.group === r.group)?.label ?? r.group}</Td>
            <Td numeric>
              {frame.readOnly || r.views === 0
                ? formatNumber(r.views)
                : (
                  <a class="hover:underline" href={examples(r.reason)} title="Example views">
                    {formatNumber(r.views)}
                  </a>
                )}
            </Td>
            <Td numeric>{formatNumber(r.visitors)}</Td>
            <Td numeric>{formatNumber(r.events)}</Td>
          </tr>
        ))}
      </DataTable>
      <SimpleTable
        id="why-excluded-groups"
        columns={["Group", "Views", "Visitors", "Events"]}
        numeric={["Views", "Visitors", "Events"]}
        rows={groups.map((g) => [
          g.label,
          formatNumber(g.views),
          formatNumber(g.visitors),
          formatNumber(g.events),
        ])}
        empty="Nothing excluded."
      />
    </Card>
  );
}

function Suspicious(props: { data: Data; rows: SuspiciousVisitor[] }) {
  const { frame, minScore, returnTo } = props.data;
  return (
    <Card
      id="suspicious"
      title="Suspicious visitors"
      subtitle={`Visitors with a view scored ${minScore} or more, highest first (at most ` +
        `${MAX_SUSPICIOUS}; the bots CSV export lists up to 1000).`}
    >
      <FilterForm
        action="/admin/bots"
        frame={frame}
        id="min-score-form"
        class="mb-3 flex items-end gap-2"
      >
        <MinScoreField value={minScore} min={1} class={`${INPUT} w-24`} />
        <button type="submit" class={BUTTON_SECONDARY}>Show</button>
      </FilterForm>
      <DataTable
        id="suspicious-table"
        caption="Suspicious visitors"
        head={
          <>
            <Th>Visitor</Th>
            <Th numeric>Score</Th>
            <Th numeric>Views</Th>
            <Th>Sites</Th>
            <Th>Countries</Th>
            <Th>Devices</Th>
            <Th>Browsers</Th>
            <Th>Last seen</Th>
            <Th></Th>
          </>
        }
      >
        {props.rows.length === 0 && <EmptyRow columns={9}>No suspicious visitors.</EmptyRow>}
        {props.rows.map((row) => (
          <tr data-visitor={row.visitor_id}>
            <Td mono>
              <VisitorLink id={row.visitor_id} title="Per-hit score breakdown" />
            </Td>
            <ScoreCell score={row.max_bot_score} />
            <Td numeric>{formatNumber(row.pageviews)}</Td>
            <Td>{row.sites ?? "—"}</Td>
            <Td>{row.countries ?? "—"}</Td>
            <Td>{row.devices ?? "—"}</Td>
            <Td>{row.browsers ?? "—"}</Td>
            <Td mono title={formatDateTime(row.last_seen, frame.timezone)}>
              {formatAge(row.last_seen, frame.now)}
            </Td>
            <Td>
              <ExcludeButton
                visitorId={row.visitor_id}
                excluded={row.is_excluded}
                returnTo={returnTo}
                readOnly={frame.readOnly}
                small
              />
            </Td>
          </tr>
        ))}
      </DataTable>
    </Card>
  );
}

function Excluded(props: { data: Data; rows: ExcludedVisitor[] }) {
  const { frame, returnTo } = props.data;
  return (
    <Card
      id="excluded"
      title="Excluded visitors"
      subtitle="Their hits are dropped and their stored views are left out of stats."
    >
      <DataTable
        id="excluded-table"
        caption="Excluded visitors"
        head={
          <>
            <Th>Visitor</Th>
            <Th>Label</Th>
            <Th numeric>Views</Th>
            <Th numeric>Max score</Th>
            <Th>Excluded</Th>
            <Th></Th>
          </>
        }
      >
        {props.rows.length === 0 && <EmptyRow columns={6}>Nobody is excluded.</EmptyRow>}
        {props.rows.map((row) => (
          <tr data-visitor={row.visitor_id}>
            <Td mono>
              <VisitorLink id={row.visitor_id} />
            </Td>
            <Td>
              <Truncated value={row.label} max={40} />
            </Td>
            <Td numeric>{formatNumber(row.pageviews)}</Td>
            <ScoreCell score={row.max_bot_score} />
            <Td mono>{formatDateTime(row.created_at, frame.timezone)}</Td>
            <Td>
              <ExcludeButton
                visitorId={row.visitor_id}
                excluded
                returnTo={returnTo}
                readOnly={frame.readOnly}
                small
              />
            </Td>
          </tr>
        ))}
      </DataTable>
    </Card>
  );
}

function KnownBots(props: { rows: (KnownBotTraffic & { category: string })[] }) {
  return (
    <Card title="Known bots" subtitle="Crawlers and tools recognised by user agent.">
      <DataTable
        id="known-bots"
        caption="Known bots"
        head={
          <>
            <Th>Bot</Th>
            <Th>Category</Th>
            <Th numeric>Hits</Th>
            <Th>Top paths</Th>
          </>
        }
      >
        {props.rows.length === 0 && <EmptyRow columns={4}>No known-bot hits.</EmptyRow>}
        {props.rows.map((bot) => (
          <tr data-bot={bot.bot_name}>
            <Td>{bot.bot_name}</Td>
            <Td>{bot.category}</Td>
            <Td numeric>{formatNumber(bot.hits)}</Td>
            <Td mono wrap>
              {bot.top_paths.map((p) => `${p.path} (${p.hits})`).join(", ")}
            </Td>
          </tr>
        ))}
      </DataTable>
    </Card>
  );
}

/** A small table of text cells; columns named in `numeric` are right-aligned figures. */
function SimpleTable(
  props: { id: string; columns: string[]; numeric: string[]; rows: string[][]; empty: string },
) {
  const isNumeric = props.columns.map((c) => props.numeric.includes(c));
  return (
    <DataTable
      id={props.id}
      head={<>{props.columns.map((c, i) => <Th key={c} numeric={isNumeric[i]}>{c}</Th>)}</>}
    >
      {props.rows.length === 0 && <EmptyRow columns={props.columns.length}>{props.empty}</EmptyRow>}
      {props.rows.map((row) => (
        <tr>
          {row.map((cell, i) => <Td key={i} numeric={isNumeric[i]}>{cell}</Td>)}
        </tr>
      ))}
    </DataTable>
  );
}
