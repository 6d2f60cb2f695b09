// /admin/views: the raw list of recent page views (filters: site, period, path, country, device,
// bots, main reason) in keyset pages. Public mode shows only the top paths of human traffic: no visitor ids,
// no per-view rows.
import { AdminShell } from "../../components/AdminShell.tsx";
import { DataTable, EmptyRow, Td, Th, Truncated } from "../../components/DataTable.tsx";
import { ExportLink } from "../../components/ExportLink.tsx";
import { Pager } from "../../components/Pager.tsx";
import {
  BotsField,
  CountryField,
  DeviceField,
  FilterButtons,
  FilterForm,
} from "../../components/FilterForm.tsx";
import { ScoreCell } from "../../components/Score.tsx";
import { Card, Field, INPUT, Notice } from "../../components/ui.tsx";
import { VisitorLink } from "../../components/VisitorLink.tsx";
import { type PageLinks, pageLinks, pageRequest } from "../../lib/admin/cursor.ts";
import {
  BOT_FILTERS,
  parseChoice,
  parseCountry,
  parseDevice,
  parseText,
} from "../../lib/admin/filters.ts";
import { formatDateTime, formatDuration, formatNumber } from "../../lib/admin/format.ts";
import { type AdminFrame, loadAdminFrame } from "../../lib/admin/frame.ts";
import type { BotFilter } from "../../lib/bots/thresholds.ts";
import { type PathCount, VIEW_LIST_KEYS, type ViewListRow } from "../../lib/store/lists.ts";
import { page, type PageProps } from "../../lib/fresh/mod.ts";
import { readerFor } from "../../lib/reads/caller.ts";
import type { Ctx, State } from "../../lib/state.ts";
import { signalInfo } from "../../lib/bots/signals.ts";

export const PAGE_SIZE = 50;

interface Filters {
  path: string;
  country: string | null;
  device: string | null;
  bots: BotFilter;
  /** A stored main reason (the Bots page's "why excluded" links here). */
  reason: string | null;
}

const REASON = /^[a-z0-9_]{1,40}$/;

interface Data {
  frame: AdminFrame;
  filters: Filters;
  rows: ViewListRow[] | null;
  links: PageLinks | null;
  top: PathCount[] | null;
}

export const handler = {
  async GET(ctx: Ctx) {
    const frame = loadAdminFrame(ctx);
    const params = ctx.url.searchParams;
    const filters: Filters = {
      path: parseText(params.get("path")),
      country: parseCountry(params.get("country")),
      device: parseDevice(params.get("device")),
      bots: parseChoice(params.get("bots"), BOT_FILTERS, "all"),
      reason: REASON.test(params.get("reason") ?? "") ? params.get("reason") : null,
    };
    const { site, period } = frame.selection;
    const range = { site, since: period.since, until: period.until };
    const reads = readerFor(ctx);
    if (frame.readOnly) {
      const top = await reads.run("topPaths", { ...range, pathContains: filters.path });
      return page<Data>({ frame, filters, rows: null, links: null, top });
    }
    const result = await reads.run(
      "recentViews",
      {
        ...range,
        pathContains: filters.path,
        country: filters.country,
        device: filters.device,
        bots: filters.bots,
        reason: filters.reason,
      },
      pageRequest(ctx.url, ["string", "number"], PAGE_SIZE),
    );
    return page<Data>({
      frame,
      filters,
      rows: result.rows,
      links: pageLinks(ctx.url, result, VIEW_LIST_KEYS),
      top: null,
    });
  },
};

export default function ViewsPage({ data }: PageProps<Data, State>) {
  const { frame, filters } = data;
  return (
    <AdminShell
      title="Page views"
      frame={frame}
      subtitle={`${frame.selection.period.label} · ${frame.selection.site ?? "all sites"}`}
      actions={
        <ExportLink
          kind="views"
          selection={frame.selection}
          readOnly={frame.readOnly}
          extra={{ bots: filters.bots }}
        />
      }
    >
      <ViewFilters frame={frame} filters={filters} />
      {filters.reason && !data.top && (
        <Notice>
          <span id="views-reason">
            Views not counted because of{" "}
            <strong>
              {signalInfo(filters.reason)?.label ?? filters.reason}
            </strong>{" "}
            (<code>{filters.reason}</code>).
          </span>
        </Notice>
      )}
      {data.top ? <TopPaths rows={data.top} /> : (
        <Card>
          <ViewTable rows={data.rows ?? []} frame={frame} />
          {data.links && <Pager links={data.links} shown={data.rows?.length ?? 0} />}
        </Card>
      )}
    </AdminShell>
  );
}

function ViewFilters(props: { frame: AdminFrame; filters: Filters }) {
  const { frame, filters } = props;
  return (
    <FilterForm action="/admin/views" frame={frame}>
      <div class="col-span-2 lg:col-span-2">
        <Field label="Path contains">
          <input name="path" value={filters.path} maxLength={200} class={INPUT} />
        </Field>
      </div>
      {!frame.readOnly && (
        <>
          <CountryField value={filters.country} />
          <DeviceField value={filters.device} />
          <BotsField value={filters.bots} />
          {filters.reason && <input type="hidden" name="reason" value={filters.reason} />}
        </>
      )}
      <FilterButtons action="/admin/views" frame={frame} />
    </FilterForm>
  );
}

function ViewTable(props: { rows: ViewListRow[]; frame: AdminFrame }) {
  const { rows, frame } = props;
  return (
    <DataTable
      id="views-table"
      caption="Recent page views"
      head={
        <>
          <Th>Time</Th>
          <Th>Site</Th>
          <Th>Path</Th>
          <Th>Visitor</Th>
          <Th>Device</Th>
          <Th>Browser</Th>
          <Th>Country</Th>
          <Th>Referrer</Th>
          <Th numeric>Interaction</Th>
          <Th>PoW</Th>
          <Th numeric>Score</Th>
          <Th>Reason</Th>
        </>
      }
    >
      {rows.length === 0 && <EmptyRow columns={12}>No page views match.</EmptyRow>}
      {rows.map((row) => (
        <tr data-view-id={row.id}>
          <Td mono>{formatDateTime(row.created_at, frame.timezone)}</Td>
          <Td>{row.site_id}</Td>
          <Td mono>
            <Truncated value={row.path} max={60} />
          </Td>
          <Td mono>
            <VisitorLink id={row.visitor_id} chars={12} />
          </Td>
          <Td>{[row.device_type, row.os_name].filter(Boolean).join(" · ") || "—"}</Td>
          <Td>{row.browser_name ?? "—"}</Td>
          <Td>{row.country_code ?? "—"}</Td>
          <Td>
            <Truncated value={row.referrer_domain} max={32} />
          </Td>
          <Td numeric>{formatDuration(row.interaction_ms)}</Td>
          <Td>{row.pow_verdict ?? "—"}</Td>
          <ScoreCell score={row.bot_score} excluded={row.is_excluded === 1} />
          <Td mono>{row.bot_reason ?? "—"}</Td>
        </tr>
      ))}
    </DataTable>
  );
}

function TopPaths(props: { rows: PathCount[] }) {
  return (
    <Card title="Top paths" subtitle="Human page views in the period.">
      <Notice>This is a public read-only instance: only aggregate figures are shown.</Notice>
      <div class="mt-3">
        <DataTable
          id="top-paths"
          caption="Top paths"
          head={
            <>
              <Th>Path</Th>
              <Th numeric>Views</Th>
              <Th numeric>Visitors</Th>
            </>
          }
        >
          {props.rows.length === 0 && (
            <EmptyRow columns={3}>
              No page views in this period.
            </EmptyRow>
          )}
          {props.rows.map((row) => (
            <tr>
              <Td mono>
                <Truncated value={row.path} max={80} />
              </Td>
              <Td numeric>{formatNumber(row.views)}</Td>
              <Td numeric>{formatNumber(row.visitors)}</Td>
            </tr>
          ))}
        </DataTable>
      </div>
    </Card>
  );
}
