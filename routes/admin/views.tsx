// /admin/views: the raw list of recent page views (filters: site, period, path, country, device,
// bots) in keyset pages. Public mode shows only the top paths of human traffic: no visitor ids,
// no per-view rows.
import { AdminShell } from "../../components/AdminShell.tsx";
import { DataTable, EmptyRow, Td, Th, Truncated } from "../../components/DataTable.tsx";
import { ExportLink } from "../../components/ExportLink.tsx";
import { Pager } from "../../components/Pager.tsx";
import { ScoreBadge } from "../../components/Score.tsx";
import {
  BUTTON_SECONDARY,
  Card,
  Field,
  HiddenFields,
  INPUT,
  LINK,
  Notice,
} from "../../components/ui.tsx";
import { type PageLinks, pageLinks, pageRequest } from "../../lib/admin/cursor.ts";
import {
  BOT_FILTERS,
  DEVICE_TYPES,
  parseChoice,
  parseCountry,
  parseDevice,
  parseText,
} from "../../lib/admin/filters.ts";
import { formatDateTime, formatDuration, formatNumber } from "../../lib/admin/format.ts";
import { type AdminFrame, loadAdminFrame } from "../../lib/admin/frame.ts";
import { adminHref, selectionParams } from "../../lib/admin/period.ts";
import {
  type BotFilter,
  listRecentViews,
  type PathCount,
  topPaths,
  VIEW_LIST_KEYS,
  type ViewListRow,
} from "../../lib/db/admin_views.ts";
import { page, type PageProps } from "../../lib/fresh/mod.ts";
import type { Ctx, State } from "../../lib/state.ts";

export const PAGE_SIZE = 50;

interface Filters {
  path: string;
  country: string | null;
  device: string | null;
  bots: BotFilter;
}

interface Data {
  frame: AdminFrame;
  filters: Filters;
  rows: ViewListRow[] | null;
  links: PageLinks | null;
  top: PathCount[] | null;
}

export const handler = {
  GET(ctx: Ctx) {
    const frame = loadAdminFrame(ctx);
    const params = ctx.url.searchParams;
    const filters: Filters = {
      path: parseText(params.get("path")),
      country: parseCountry(params.get("country")),
      device: parseDevice(params.get("device")),
      bots: parseChoice(params.get("bots"), BOT_FILTERS, "all"),
    };
    const { site, period } = frame.selection;
    const range = { site, since: period.since, until: period.until };
    const db = ctx.state.services.db;
    if (frame.readOnly) {
      const top = topPaths(db, { ...range, pathContains: filters.path });
      return page<Data>({ frame, filters, rows: null, links: null, top });
    }
    const result = listRecentViews(
      db,
      {
        ...range,
        pathContains: filters.path,
        country: filters.country,
        device: filters.device,
        bots: filters.bots,
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
      <FilterForm frame={frame} filters={filters} />
      {data.top ? <TopPaths rows={data.top} /> : (
        <Card>
          <ViewTable rows={data.rows ?? []} frame={frame} />
          {data.links && <Pager links={data.links} shown={data.rows?.length ?? 0} />}
        </Card>
      )}
    </AdminShell>
  );
}

function FilterForm(props: { frame: AdminFrame; filters: Filters }) {
  const { frame, filters } = props;
  return (
    <form
      method="get"
      action="/admin/views"
      id="filters"
      class="grid grid-cols-2 items-end gap-3 sm:grid-cols-3 lg:grid-cols-6"
    >
      <HiddenFields params={selectionParams(frame.selection)} />
      <div class="col-span-2 lg:col-span-2">
        <Field label="Path contains">
          <input name="path" value={filters.path} maxLength={200} class={INPUT} />
        </Field>
      </div>
      {!frame.readOnly && (
        <>
          <Field label="Country">
            <input
              name="country"
              value={filters.country ?? ""}
              maxLength={2}
              placeholder="FI"
              class={INPUT}
            />
          </Field>
          <Field label="Device">
            <select name="device" class={INPUT}>
              <option value="">Any</option>
              {DEVICE_TYPES.map((d) => (
                <option value={d} selected={filters.device === d}>{d}</option>
              ))}
            </select>
          </Field>
          <Field label="Bots">
            <select name="bots" class={INPUT}>
              <option value="all" selected={filters.bots === "all"}>Shown</option>
              <option value="humans" selected={filters.bots === "humans"}>Hidden</option>
              <option value="bots" selected={filters.bots === "bots"}>Only bots</option>
            </select>
          </Field>
        </>
      )}
      <div class="flex gap-2">
        <button type="submit" class={BUTTON_SECONDARY}>Filter</button>
        <a href={adminHref("/admin/views", frame.selection)} class={BUTTON_SECONDARY}>Reset</a>
      </div>
    </form>
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
        </>
      }
    >
      {rows.length === 0 && <EmptyRow columns={11}>No page views match.</EmptyRow>}
      {rows.map((row) => (
        <tr data-view-id={row.id}>
          <Td mono>{formatDateTime(row.created_at, frame.timezone)}</Td>
          <Td>{row.site_id}</Td>
          <Td mono>
            <Truncated value={row.path} max={60} />
          </Td>
          <Td mono>
            <a
              class={LINK}
              href={`/admin/visitors/${encodeURIComponent(row.visitor_id)}`}
            >
              {row.visitor_id.slice(0, 12)}
            </a>
          </Td>
          <Td>{[row.device_type, row.os_name].filter(Boolean).join(" · ") || "—"}</Td>
          <Td>{row.browser_name ?? "—"}</Td>
          <Td>{row.country_code ?? "—"}</Td>
          <Td>
            <Truncated value={row.referrer_domain} max={32} />
          </Td>
          <Td numeric>{formatDuration(row.interaction_ms)}</Td>
          <Td>{row.pow_verdict ?? "—"}</Td>
          <Td numeric>
            <ScoreBadge score={row.bot_score} excluded={row.is_excluded === 1} />
          </Td>
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
