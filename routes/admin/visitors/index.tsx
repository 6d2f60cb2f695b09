// /admin/visitors: one row per visitor and site over the period, with filters (country, device,
// minimum score, bots or humans), sorting (last seen, views, score) and keyset pages. Public mode
// shows aggregate counts only: no visitor ids, no links to histories.
import { AdminShell } from "../../../components/AdminShell.tsx";
import { DataTable, EmptyRow, Td, Th } from "../../../components/DataTable.tsx";
import { Pager } from "../../../components/Pager.tsx";
import {
  CountryField,
  DeviceField,
  FilterButtons,
  FilterForm,
  MinScoreField,
} from "../../../components/FilterForm.tsx";
import { ScoreCell } from "../../../components/Score.tsx";
import { Card, Field, HiddenFields, INPUT, Notice, StatCard } from "../../../components/ui.tsx";
import { VisitorLink } from "../../../components/VisitorLink.tsx";
import { ExcludeButton } from "../../../components/ExcludeButton.tsx";
import { type PageLinks, pageLinks, pageRequest } from "../../../lib/admin/cursor.ts";
import { parseChoice, parseCountry, parseDevice, parseIntIn } from "../../../lib/admin/filters.ts";
import { formatAge, formatDateTime, formatNumber } from "../../../lib/admin/format.ts";
import { type AdminFrame, loadAdminFrame } from "../../../lib/admin/frame.ts";
import { adminHref, type QueryValue } from "../../../lib/admin/period.ts";
import {
  VISITOR_SORT_KEYS,
  type VisitorAggregates,
  type VisitorFilter,
  type VisitorListRow,
  type VisitorSort,
} from "../../../lib/store/lists.ts";
import { page, type PageProps } from "../../../lib/fresh/mod.ts";
import { readerFor } from "../../../lib/reads/caller.ts";
import type { Ctx, State } from "../../../lib/state.ts";

export const PAGE_SIZE = 50;
const SORTS: readonly VisitorSort[] = ["last_seen", "views", "score"];
const KINDS: readonly VisitorFilter["kind"][] = ["all", "humans", "bots"];
const KEY_TYPES: Record<string, "string" | "number"> = {
  last_seen: "string",
  views: "number",
  max_score: "number",
  site_id: "string",
  visitor_id: "string",
};

interface Filters {
  country: string | null;
  device: string | null;
  minScore: number;
  kind: VisitorFilter["kind"];
  sort: VisitorSort;
  order: "desc" | "asc";
}

interface Data {
  frame: AdminFrame;
  filters: Filters;
  rows: VisitorListRow[] | null;
  links: PageLinks | null;
  aggregates: VisitorAggregates | null;
  returnTo: string;
}

export const handler = {
  async GET(ctx: Ctx) {
    const frame = loadAdminFrame(ctx);
    const params = ctx.url.searchParams;
    const filters: Filters = {
      country: parseCountry(params.get("country")),
      device: parseDevice(params.get("device")),
      minScore: parseIntIn(params.get("min_score"), 0, 100, 0),
      kind: parseChoice(params.get("kind"), KINDS, "all"),
      sort: parseChoice(params.get("sort"), SORTS, "last_seen"),
      order: parseChoice(params.get("order"), ["desc", "asc"] as const, "desc"),
    };
    const { site, period } = frame.selection;
    const reads = readerFor(ctx);
    const returnTo = ctx.url.pathname + ctx.url.search;
    if (frame.readOnly) {
      const range = { site, since: period.since, until: period.until };
      const aggregates = await reads.run("visitorAggregates", range);
      return page<Data>({ frame, filters, rows: null, links: null, aggregates, returnTo });
    }
    const keys = VISITOR_SORT_KEYS[filters.sort];
    const shape = keys.map((key) => KEY_TYPES[key]);
    const result = await reads.run(
      "visitors",
      {
        site,
        since: period.since,
        until: period.until,
        country: filters.country,
        device: filters.device,
        minScore: filters.minScore,
        kind: filters.kind,
      },
      { sort: filters.sort, descending: filters.order === "desc" },
      pageRequest(ctx.url, shape, PAGE_SIZE),
    );
    return page<Data>({
      frame,
      filters,
      rows: result.rows,
      links: pageLinks(ctx.url, result, keys),
      aggregates: null,
      returnTo,
    });
  },
};

export default function VisitorsPage({ data }: PageProps<Data, State>) {
  const { frame } = data;
  return (
    <AdminShell
      title="Visitors"
      frame={frame}
      subtitle={`${frame.selection.period.label} · ${frame.selection.site ?? "all sites"}`}
    >
      {data.aggregates ? <Aggregates data={data.aggregates} /> : (
        <>
          <VisitorFilters frame={frame} filters={data.filters} />
          <Card>
            <VisitorTable data={data} />
            {data.links && <Pager links={data.links} shown={data.rows?.length ?? 0} />}
          </Card>
        </>
      )}
    </AdminShell>
  );
}

function filterQuery(filters: Filters): Record<string, QueryValue> {
  return {
    country: filters.country,
    device: filters.device,
    min_score: filters.minScore || null,
    kind: filters.kind === "all" ? null : filters.kind,
    sort: filters.sort === "last_seen" ? null : filters.sort,
    order: filters.order === "desc" ? null : filters.order,
  };
}

function VisitorFilters(props: { frame: AdminFrame; filters: Filters }) {
  const { frame, filters } = props;
  return (
    <FilterForm action="/admin/visitors" frame={frame}>
      <HiddenFields params={[["sort", filters.sort], ["order", filters.order]]} />
      <CountryField value={filters.country} />
      <DeviceField value={filters.device} />
      <MinScoreField value={filters.minScore} min={0} />
      <Field label="Show">
        <select name="kind" class={INPUT}>
          <option value="all" selected={filters.kind === "all"}>Everyone</option>
          <option value="humans" selected={filters.kind === "humans"}>Humans only</option>
          <option value="bots" selected={filters.kind === "bots"}>Bots only</option>
        </select>
      </Field>
      <FilterButtons action="/admin/visitors" frame={frame} />
    </FilterForm>
  );
}

/** A column header that sorts by `sort` (descending first, then toggles). */
function SortHeader(
  props: { data: Data; sort: VisitorSort; label: string; numeric?: boolean },
) {
  const { frame, filters } = props.data;
  const active = filters.sort === props.sort;
  const order = active && filters.order === "desc" ? "asc" : "desc";
  const href = adminHref("/admin/visitors", frame.selection, {
    ...filterQuery(filters),
    sort: props.sort === "last_seen" ? null : props.sort,
    order: order === "desc" ? null : order,
  });
  return (
    <Th numeric={props.numeric}>
      <a href={href} class="hover:underline" data-sort={props.sort}>
        {props.label}
        {active ? (filters.order === "desc" ? " ↓" : " ↑") : ""}
      </a>
    </Th>
  );
}

function VisitorTable(props: { data: Data }) {
  const { data } = props;
  const { frame } = data;
  const rows = data.rows ?? [];
  return (
    <DataTable
      id="visitors-table"
      caption="Visitors"
      head={
        <>
          <Th>Visitor</Th>
          <Th>Site</Th>
          <Th>First seen</Th>
          <SortHeader data={data} sort="last_seen" label="Last seen" />
          <SortHeader data={data} sort="views" label="Views" numeric />
          <Th numeric>Events</Th>
          <Th>Country</Th>
          <Th>Device</Th>
          <Th>Browser</Th>
          <SortHeader data={data} sort="score" label="Max score" numeric />
          <Th>Status</Th>
        </>
      }
    >
      {rows.length === 0 && <EmptyRow columns={11}>No visitors match.</EmptyRow>}
      {rows.map((row) => (
        <tr data-visitor={row.visitor_id} data-site={row.site_id}>
          <Td mono>
            <VisitorLink id={row.visitor_id} title={row.visitor_id} />
          </Td>
          <Td>{row.site_id}</Td>
          <Td mono>{formatDateTime(row.first_seen, frame.timezone)}</Td>
          <Td mono title={formatDateTime(row.last_seen, frame.timezone)}>
            {formatAge(row.last_seen, frame.now)}
          </Td>
          <Td numeric>{formatNumber(row.views)}</Td>
          <Td numeric>{formatNumber(row.events)}</Td>
          <Td>{row.countries ?? "—"}</Td>
          <Td>{row.devices ?? "—"}</Td>
          <Td>{row.browsers ?? "—"}</Td>
          <ScoreCell score={row.max_score} />
          <Td>
            <ExcludeButton
              visitorId={row.visitor_id}
              excluded={row.is_excluded === 1}
              returnTo={data.returnTo}
              readOnly={frame.readOnly}
              small
            />
          </Td>
        </tr>
      ))}
    </DataTable>
  );
}

function Aggregates(props: { data: VisitorAggregates }) {
  const { data } = props;
  return (
    <>
      <Notice>
        This is a public read-only instance: visitor histories are not shown, only totals.
      </Notice>
      <section class="grid gap-4 sm:grid-cols-3" id="visitor-totals">
        <StatCard label="Visitors" value={formatNumber(data.visitors)} />
        <StatCard label="Human visitors" value={formatNumber(data.human_visitors)} />
        <StatCard label="Bot-only visitors" value={formatNumber(data.bot_visitors)} />
      </section>
      <div class="grid gap-4 md:grid-cols-2">
        <Card title="Countries">
          <CountTable
            rows={data.countries.map((r) => [r.country_code, r.visitors])}
            label="Country"
          />
        </Card>
        <Card title="Devices">
          <CountTable rows={data.devices.map((r) => [r.device_type, r.visitors])} label="Device" />
        </Card>
      </div>
    </>
  );
}

function CountTable(props: { rows: [string, number][]; label: string }) {
  return (
    <DataTable
      caption={props.label}
      head={
        <>
          <Th>{props.label}</Th>
          <Th numeric>Visitors</Th>
        </>
      }
    >
      {props.rows.length === 0 && <EmptyRow columns={2}>No visitors in this period.</EmptyRow>}
      {props.rows.map(([name, count]) => (
        <tr>
          <Td>{name}</Td>
          <Td numeric>{formatNumber(count)}</Td>
        </tr>
      ))}
    </DataTable>
  );
}
