// /admin/perf: benchmark metrics posted by CI (POST /api/perf). Per category, one tile per series
// (a metric on a branch) with its latest value, the change against the mean of the previous
// values, a regression badge and a trend chart; then the most recent values. Filters by category,
// branch and window are GET links and forms; the page writes nothing, so public mode shows the
// same page.
import { AdminShell } from "../../components/AdminShell.tsx";
import { DataTable, EmptyRow, Td, Th, Truncated } from "../../components/DataTable.tsx";
import { PerfTrendTile } from "../../components/PerfTrendTile.tsx";
import { BUTTON_SECONDARY, Card, INPUT, LINK, Notice } from "../../components/ui.tsx";
import { formatDateTime } from "../../lib/admin/format.ts";
import { type AdminFrame, loadAdminFrame } from "../../lib/admin/frame.ts";
import { adminHref } from "../../lib/admin/period.ts";
import { page, type PageProps } from "../../lib/fresh/mod.ts";
import { formatPerfValue } from "../../lib/perf/format.ts";
import { type PerfMetricRow, type PerfTrend, perfTrends } from "../../lib/perf/mod.ts";
import type { Ctx, State } from "../../lib/state.ts";

const WINDOWS = [10, 20, 30, 50] as const;
const DEFAULT_WINDOW = 20;
const RECENT_ROWS = 50;

interface Filters {
  category: string | null;
  branch: string | null;
  window: number;
}

interface Data {
  frame: AdminFrame;
  filters: Filters;
  categories: string[];
  branches: string[];
  /** Series grouped by category, in category order. */
  groups: { category: string; trends: PerfTrend[] }[];
  truncated: boolean;
  recent: PerfMetricRow[];
}

function filtersFrom(url: URL): Filters {
  const text = (name: string, max: number) => {
    const raw = url.searchParams.get(name)?.trim() ?? "";
    return raw === "" || raw.length > max ? null : raw;
  };
  const n = Number(url.searchParams.get("n"));
  return {
    category: text("category", 64),
    branch: text("branch", 128),
    window: (WINDOWS as readonly number[]).includes(n) ? n : DEFAULT_WINDOW,
  };
}

export const handler = {
  async GET(ctx: Ctx) {
    const { perf } = ctx.state.services.store;
    const filters = filtersFrom(ctx.url);
    const query = { category: filters.category, branch: filters.branch };
    const trends = await perfTrends(perf, query, filters.window, null);
    const groups: Data["groups"] = [];
    for (const trend of trends.series) {
      const last = groups[groups.length - 1];
      if (last?.category === trend.category) last.trends.push(trend);
      else groups.push({ category: trend.category, trends: [trend] });
    }
    const facets = await perf.facets();
    return page<Data>({
      frame: loadAdminFrame(ctx),
      filters,
      categories: facets.categories,
      branches: facets.branches,
      groups,
      truncated: trends.truncated,
      recent: await perf.list(query, RECENT_ROWS),
    });
  },
};

export default function PerfPage({ data }: PageProps<Data, State>) {
  const { frame, filters, groups } = data;
  const regressions = groups.flatMap((g) => g.trends).filter((t) => t.status === "regression");
  return (
    <AdminShell
      title="Performance"
      frame={frame}
      selection={false}
      subtitle={`Benchmark metrics posted by CI (POST /api/perf). Each chart shows the last ${filters.window} values of a metric on one branch; the latest is compared with the mean of the ones before it.`}
    >
      <FilterBar data={data} />
      {regressions.length > 0 && (
        <Notice tone="warning">
          <span id="perf-regressions">
            {regressions.length} regression{regressions.length === 1 ? "" : "s"}:{" "}
            {regressions.map((t) => `${t.category} / ${t.metric}`).join(", ")}.
          </span>
        </Notice>
      )}
      {data.truncated && (
        <Notice tone="info">Only the first 500 series are shown; pick a category.</Notice>
      )}
      {groups.length === 0 && (
        <Card>
          <p class="text-sm text-slate-500" id="perf-empty">
            No metrics{filters.category ? ` in ${filters.category}` : ""}
            {filters.branch ? ` on branch ${filters.branch}` : ""} yet. CI posts them to{" "}
            <code>POST /api/perf</code>; see the README's "Performance metrics" section.
          </p>
        </Card>
      )}
      {groups.map((group, g) => (
        <Card title={group.category} id={`perf-category-${g}`}>
          <div class="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
            {group.trends.map((trend, i) => (
              <PerfTrendTile id={`perf-chart-${g}-${i}`} trend={trend} />
            ))}
          </div>
        </Card>
      ))}
      <Recent data={data} />
    </AdminShell>
  );
}

function FilterBar(props: { data: Data }) {
  const { filters, categories, branches } = props.data;
  const href = (extra: Record<string, string | number | null>) =>
    adminHref("/admin/perf", null, {
      category: filters.category,
      branch: filters.branch,
      n: filters.window === DEFAULT_WINDOW ? null : filters.window,
      ...extra,
    });
  return (
    <div class="flex flex-wrap items-end gap-4">
      <nav aria-label="Category" class="flex flex-wrap gap-3 text-sm" id="perf-categories">
        {[null, ...categories].map((category) => (
          <a
            href={href({ category })}
            class={category === filters.category ? "font-semibold" : LINK}
            aria-current={category === filters.category ? "page" : undefined}
          >
            {category ?? "All categories"}
          </a>
        ))}
      </nav>
      <form method="get" action="/admin/perf" class="flex items-center gap-2" id="perf-filters">
        {filters.category && <input type="hidden" name="category" value={filters.category} />}
        <label for="perf-branch" class="text-sm text-slate-500">Branch</label>
        <select id="perf-branch" name="branch" class={`${INPUT} w-40`}>
          <option value="" selected={filters.branch === null}>All branches</option>
          {branches.map((branch) => (
            <option value={branch} selected={branch === filters.branch}>{branch}</option>
          ))}
        </select>
        <label for="perf-window" class="text-sm text-slate-500">Values</label>
        <select id="perf-window" name="n" class={`${INPUT} w-20`}>
          {WINDOWS.map((n) => <option key={n} value={n} selected={n === filters.window}>{n}
          </option>)}
        </select>
        <button type="submit" class={BUTTON_SECONDARY}>Apply</button>
      </form>
    </div>
  );
}

function Recent(props: { data: Data }) {
  const { recent, frame } = props.data;
  return (
    <Card title="Most recent values" subtitle={`The last ${RECENT_ROWS} posted, newest first.`}>
      <DataTable
        id="perf-recent"
        caption="Most recent benchmark values"
        head={
          <>
            <Th>Recorded</Th>
            <Th>Category</Th>
            <Th>Metric</Th>
            <Th numeric>Value</Th>
            <Th>Branch</Th>
            <Th>Commit</Th>
          </>
        }
      >
        {recent.length === 0 && <EmptyRow columns={6}>Nothing posted yet.</EmptyRow>}
        {recent.map((row) => (
          <tr data-perf-id={row.id}>
            <Td mono>{formatDateTime(row.recorded_at, frame.timezone)}</Td>
            <Td>{row.category}</Td>
            <Td>
              <Truncated value={row.metric} max={60} />
            </Td>
            <Td numeric>{formatPerfValue(row.value, row.unit)}</Td>
            <Td>{row.branch ?? "—"}</Td>
            <Td mono>{row.commit_hash ? row.commit_hash.slice(0, 12) : "—"}</Td>
          </tr>
        ))}
      </DataTable>
    </Card>
  );
}
