// /admin/events: counts per event type and name over the period (each a link that filters the
// list), a custom property breakdown of one event name (lib/admin/property_breakdown.ts, the query
// engine) and the raw list of events with their stored `data`, in keyset pages. Form values are
// never in `data` unless a site opted in, and then only scrambled (tracker/forms.ts). Public
// mode shows the counts of human traffic only.
import { AdminShell } from "../../components/AdminShell.tsx";
import { DataTable, EmptyRow, Td, Th, Truncated } from "../../components/DataTable.tsx";
import { ExportLink } from "../../components/ExportLink.tsx";
import { Pager } from "../../components/Pager.tsx";
import { PropertyBreakdown } from "../../components/PropertyBreakdown.tsx";
import { BotsField, FilterButtons, FilterForm } from "../../components/FilterForm.tsx";
import { ScoreCell } from "../../components/Score.tsx";
import { Card, Field, INPUT, LINK, Notice } from "../../components/ui.tsx";
import { VisitorLink } from "../../components/VisitorLink.tsx";
import { type PageLinks, pageLinks, pageRequest } from "../../lib/admin/cursor.ts";
import { BOT_FILTERS, parseChoice, parseEventKey } from "../../lib/admin/filters.ts";
import { formatDateTime, formatNumber } from "../../lib/admin/format.ts";
import { type AdminFrame, loadAdminFrame } from "../../lib/admin/frame.ts";
import { adminHref, type Period } from "../../lib/admin/period.ts";
import {
  type Breakdown,
  type BreakdownChoice,
  breakdownQuery,
  engineEventNames,
  parseBreakdown,
  propertyBreakdown,
} from "../../lib/admin/property_breakdown.ts";
import type { BotFilter } from "../../lib/bots/thresholds.ts";
import { EVENT_LIST_KEYS, type EventCount, type EventListRow } from "../../lib/store/lists.ts";
import { page, type PageProps } from "../../lib/fresh/mod.ts";
import { readerFor } from "../../lib/reads/caller.ts";
import type { Ctx, State } from "../../lib/state.ts";

export const PAGE_SIZE = 50;

interface Filters {
  type: string | null;
  name: string | null;
  bots: BotFilter;
}

interface Data {
  frame: AdminFrame;
  filters: Filters;
  counts: EventCount[];
  rows: EventListRow[] | null;
  links: PageLinks | null;
  /** The property breakdown (not in public mode, nor for "all sites"). */
  properties: PropertiesData | null;
}

interface PropertiesData {
  choice: BreakdownChoice;
  eventNames: string[];
  keys: { key: string; events: number }[] | null;
  breakdown: Breakdown | null;
}

export const handler = {
  async GET(ctx: Ctx) {
    const frame = loadAdminFrame(ctx);
    const params = ctx.url.searchParams;
    const filters: Filters = {
      type: parseEventKey(params.get("type")),
      name: parseEventKey(params.get("name")),
      // Public figures are human traffic, like every other public number.
      bots: frame.readOnly ? "humans" : parseChoice(params.get("bots"), BOT_FILTERS, "all"),
    };
    const { site, period } = frame.selection;
    const reads = readerFor(ctx);
    const filter = { site, since: period.since, until: period.until, ...filters };
    const counts = await reads.run("eventCounts", { ...filter, type: null });
    if (frame.readOnly) {
      return page<Data>({ frame, filters, counts, rows: null, links: null, properties: null });
    }
    const request = pageRequest(ctx.url, ["string", "number"], PAGE_SIZE);
    const [result, properties] = await Promise.all([
      reads.run("events", filter, request),
      site === null ? null : loadProperties(ctx, site, period, filters.bots, counts),
    ]);
    return page<Data>({
      frame,
      filters,
      counts,
      rows: result.rows,
      links: pageLinks(ctx.url, result, EVENT_LIST_KEYS),
      properties,
    });
  },
};

/** The breakdown card's data: the event names, the chosen event's keys, the chosen key's values. */
async function loadProperties(
  ctx: Ctx,
  site: string,
  period: Period,
  bots: Filters["bots"],
  counts: EventCount[],
): Promise<PropertiesData> {
  const reads = readerFor(ctx);
  const choice = parseBreakdown(ctx.url.searchParams);
  const eventNames = engineEventNames(counts);
  if (choice.eventName === null) return { choice, eventNames, keys: null, breakdown: null };
  const query = { site, eventName: choice.eventName, since: period.since, until: period.until };
  const [keys, breakdown] = await Promise.all([
    reads.run("eventPropertyKeys", query),
    choice.key === null ? null : propertyBreakdown(
      reads,
      breakdownQuery(site, period, choice.eventName, choice.key, bots, ctx.state.services.now()),
    ),
  ]);
  // An event counted under another name (a custom event's type) is still offered back.
  if (!eventNames.includes(choice.eventName)) eventNames.push(choice.eventName);
  return { choice, eventNames, keys, breakdown };
}

export default function EventsPage({ data }: PageProps<Data, State>) {
  const { frame, filters } = data;
  return (
    <AdminShell
      title="Events"
      frame={frame}
      subtitle={`${frame.selection.period.label} · ${frame.selection.site ?? "all sites"}`}
      actions={
        <ExportLink
          kind="events"
          selection={frame.selection}
          readOnly={frame.readOnly}
          extra={{ type: filters.type, name: filters.name, bots: filters.bots }}
        />
      }
    >
      {frame.readOnly && (
        <Notice>This is a public read-only instance: only event counts are shown.</Notice>
      )}
      <div class="grid gap-4 lg:grid-cols-3">
        <div class="min-w-0 lg:col-span-1">
          <Counts data={data} />
        </div>
        {data.rows && (
          <div class="min-w-0 space-y-4 lg:col-span-2">
            {data.properties && (
              <PropertyBreakdown
                frame={frame}
                {...data.properties}
                keep={{
                  type: filters.type,
                  name: filters.name,
                  bots: filters.bots === "all" ? null : filters.bots,
                }}
              />
            )}
            <EventFilters frame={frame} filters={filters} />
            <Card>
              <EventTable rows={data.rows} frame={frame} />
              {data.links && <Pager links={data.links} shown={data.rows.length} />}
            </Card>
          </div>
        )}
      </div>
    </AdminShell>
  );
}

function Counts(props: { data: Data }) {
  const { frame, filters, counts } = props.data;
  const link = (type: string, name: string | null) =>
    adminHref("/admin/events", frame.selection, {
      type,
      name,
      bots: filters.bots === "all" || frame.readOnly ? null : filters.bots,
    });
  return (
    <Card title="By type and name" subtitle="Events in the period.">
      <DataTable
        id="event-counts"
        caption="Events per type and name"
        head={
          <>
            <Th>Event</Th>
            <Th numeric>Events</Th>
            <Th numeric>Visitors</Th>
          </>
        }
      >
        {counts.length === 0 && <EmptyRow columns={3}>No events in this period.</EmptyRow>}
        {counts.map((c) => {
          const label = c.event_name ? `${c.event_type}: ${c.event_name}` : c.event_type;
          const active = filters.type === c.event_type &&
            (filters.name ?? null) === (c.event_name ?? null);
          return (
            <tr data-event-type={c.event_type} data-event-name={c.event_name ?? ""}>
              <Td>
                {frame.readOnly ? <Truncated value={label} max={40} /> : (
                  <a
                    class={active ? "font-semibold" : LINK}
                    href={link(c.event_type, c.event_name)}
                  >
                    <Truncated value={label} max={40} />
                  </a>
                )}
              </Td>
              <Td numeric>{formatNumber(c.events)}</Td>
              <Td numeric>{formatNumber(c.visitors)}</Td>
            </tr>
          );
        })}
      </DataTable>
    </Card>
  );
}

function EventFilters(props: { frame: AdminFrame; filters: Filters }) {
  const { frame, filters } = props;
  return (
    <FilterForm
      action="/admin/events"
      frame={frame}
      class="grid grid-cols-2 items-end gap-3 sm:grid-cols-4"
    >
      <Field label="Type">
        <input name="type" value={filters.type ?? ""} maxLength={128} class={INPUT} />
      </Field>
      <Field label="Name">
        <input name="name" value={filters.name ?? ""} maxLength={128} class={INPUT} />
      </Field>
      <BotsField value={filters.bots} />
      <FilterButtons action="/admin/events" frame={frame} />
    </FilterForm>
  );
}

function EventTable(props: { rows: EventListRow[]; frame: AdminFrame }) {
  const { rows, frame } = props;
  return (
    <DataTable
      id="events-table"
      caption="Recent events"
      head={
        <>
          <Th>Time</Th>
          <Th>Site</Th>
          <Th>Type</Th>
          <Th>Name</Th>
          <Th>Path</Th>
          <Th>Data</Th>
          <Th>Visitor</Th>
          <Th>Device</Th>
          <Th numeric>Score</Th>
        </>
      }
    >
      {rows.length === 0 && <EmptyRow columns={9}>No events match.</EmptyRow>}
      {rows.map((row) => (
        <tr data-event-id={row.id}>
          <Td mono>{formatDateTime(row.created_at, frame.timezone)}</Td>
          <Td>{row.site_id}</Td>
          <Td>{row.event_type}</Td>
          <Td>
            <Truncated value={row.event_name} max={32} />
          </Td>
          <Td mono>
            <Truncated value={row.path} max={40} />
          </Td>
          <Td mono wrap>
            <Truncated value={row.data === "{}" ? null : row.data} max={160} />
          </Td>
          <Td mono>
            {row.visitor_id
              ? <VisitorLink id={row.visitor_id} chars={12} />
              : <span class="text-slate-400">{row.source}</span>}
          </Td>
          <Td>{row.device_type ?? "—"}</Td>
          <ScoreCell score={row.bot_score} />
        </tr>
      ))}
    </DataTable>
  );
}
