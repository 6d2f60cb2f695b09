// The dashboard's filters (lib/admin/filters.ts), above its cards: each as a chip whose × is a
// link to the same page without it, a builder (a GET form: dimension from the registry,
// operator, value) that adds one, the bot setting (hide / show / only, links) and the site's
// saved segments (apply in a click; save the current filters under a name). No JavaScript.
import type { DashboardFilters } from "../lib/admin/filters.ts";
import {
  BOT_MODE_LABELS,
  BOTS_PARAM,
  BUILDER_OPERATORS,
  DASHBOARD_BOT_MODES,
  dashboardHref,
  withFilter,
  withoutFilter,
} from "../lib/admin/filters.ts";
import { type AdminSelection, FILTER_PARAM, selectionParams } from "../lib/admin/period.ts";
import type { SegmentRecord } from "../lib/store/segments.ts";
import { DIMENSIONS } from "../lib/query/dimensions.ts";
import type { BotMode } from "../lib/query/model.ts";
import { SEGMENT_DIMENSION } from "../lib/query/segments.ts";
import { BUTTON_SECONDARY, HiddenFields, INPUT, LINK } from "./ui.tsx";

/** Dimensions the builder offers: every registered one but the time buckets. */
const BUILDER_DIMENSIONS = DIMENSIONS.filter((d) => d.level !== "time");

export interface FilterBarProps {
  /** The dashboard's selection, its site set. */
  selection: AdminSelection;
  filters: DashboardFilters;
  segments: readonly SegmentRecord[];
  readOnly: boolean;
}

const PILL = "rounded-md px-2.5 py-1 text-sm";
const PILL_ACTIVE = `${PILL} bg-indigo-600 font-medium text-white`;
const PILL_IDLE =
  `${PILL} text-slate-600 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800`;

export function FilterBar(props: FilterBarProps) {
  const { selection, filters } = props;
  const raws = filters.items.map((i) => i.raw);
  const bots = filters.bots;
  const href = (next: readonly string[], mode: BotMode = bots) =>
    dashboardHref(selection, next, mode);
  return (
    <section
      id="filters"
      aria-label="Filters"
      class="space-y-3 rounded-xl border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
    >
      <div class="flex flex-wrap items-center gap-2">
        <h2 class="text-sm font-semibold">Filters</h2>
        {filters.items.length === 0 && (
          <span class="text-sm text-slate-500" id="no-filters">
            None: click a row of any list to show only its traffic.
          </span>
        )}
        <ul class="flex flex-wrap gap-2" id="filter-chips">
          {filters.items.map((item) => (
            <li
              key={item.raw}
              data-filter={item.raw}
              class="flex items-center gap-1 rounded-full bg-indigo-50 py-0.5 pl-3 pr-1 text-sm text-indigo-900 dark:bg-indigo-950 dark:text-indigo-100"
            >
              <span>{item.label}</span>
              <a
                href={href(withoutFilter(raws, item.raw))}
                class="rounded-full px-1.5 hover:bg-indigo-200 dark:hover:bg-indigo-800"
                aria-label={`Remove filter: ${item.label}`}
                title="Remove this filter"
                data-remove-filter={item.raw}
              >
                ×
              </a>
            </li>
          ))}
        </ul>
        {filters.items.length > 1 && (
          <a class={`${LINK} text-sm`} href={href([])} id="clear-filters">Clear all</a>
        )}
        <nav aria-label="Bots" class="ml-auto flex items-center gap-1" id="bots-toggle">
          {DASHBOARD_BOT_MODES.map((mode) => (
            <a
              key={mode}
              href={href(raws, mode)}
              data-bots={mode}
              aria-current={mode === bots ? "true" : undefined}
              class={mode === bots ? PILL_ACTIVE : PILL_IDLE}
            >
              {BOT_MODE_LABELS[mode]}
            </a>
          ))}
        </nav>
      </div>
      <form method="get" action="/admin" id="filter-builder" class="flex flex-wrap items-end gap-2">
        <HiddenFields params={selectionParams(selection)} />
        {bots !== "hide" && <input type="hidden" name={BOTS_PARAM} value={bots} />}
        <label class="text-sm">
          <span class="block text-xs text-slate-500">Dimension</span>
          <select name="fd" class={INPUT}>
            {BUILDER_DIMENSIONS.map((d) => <option key={d.key} value={d.key}>{d.label}</option>)}
          </select>
        </label>
        <label class="text-sm">
          <span class="block text-xs text-slate-500">Operator</span>
          <select name="fo" class={INPUT}>
            {BUILDER_OPERATORS.map((o) => <option key={o.op} value={o.op}>{o.label}</option>)}
          </select>
        </label>
        <label class="text-sm">
          <span class="block text-xs text-slate-500">Value</span>
          <input type="text" name="fv" class={INPUT} maxLength={512} required />
        </label>
        <button type="submit" class={BUTTON_SECONDARY}>Add filter</button>
      </form>
      {/* Segment names are the admin's labels: a read-only instance shows none. */}
      {!props.readOnly && (
        <SegmentMenu
          {...props}
          apply={(id) => href(withFilter(raws, segmentFilter(id)))}
        />
      )}
    </section>
  );
}

const segmentFilter = (id: number) => `${SEGMENT_DIMENSION}:is:${id}`;

/** The site's saved segments, each applied in a click, and the form saving the current filters. */
function SegmentMenu(props: FilterBarProps & { apply: (id: number) => string }) {
  const { selection, filters, segments } = props;
  const site = selection.site!;
  return (
    <div class="flex flex-wrap items-center gap-2 text-sm" id="segments">
      <span class="text-xs font-medium uppercase tracking-wide text-slate-500">Segments</span>
      {segments.length === 0 && <span class="text-slate-500">None saved for {site}.</span>}
      {segments.map((s) => (
        <a key={s.id} class={LINK} href={props.apply(s.id)} data-segment={s.id}>{s.name}</a>
      ))}
      {filters.items.length > 0 && (
        <form
          method="post"
          action="/admin/segments"
          id="segment-save"
          class="ml-auto flex items-center gap-2"
        >
          <input type="hidden" name="site" value={site} />
          {filters.items.map((item) => (
            <input key={item.raw} type="hidden" name={FILTER_PARAM} value={item.raw} />
          ))}
          <input
            type="hidden"
            name="return_to"
            value={dashboardHref(
              selection,
              filters.items.map((i) => i.raw),
              filters.bots,
            )}
          />
          <label class="sr-only" for="segment-name">Segment name</label>
          <input
            id="segment-name"
            type="text"
            name="name"
            class={INPUT}
            placeholder="Name these filters"
            maxLength={100}
            required
          />
          <button type="submit" class={BUTTON_SECONDARY}>Save as segment</button>
        </form>
      )}
    </div>
  );
}
