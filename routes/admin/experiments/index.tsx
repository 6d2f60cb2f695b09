// /admin/experiments: every experiment (filter by status and site) with its status, site, metric,
// variants and exposed sessions so far, linking to its page; "New experiment" leads to the form.
// Public mode lists them without the link to create one.
import { DataTable, EmptyRow, Td, Th } from "../../../components/DataTable.tsx";
import { AdminShell } from "../../../components/AdminShell.tsx";
import { ExperimentStatusBadge } from "../../../components/ExperimentStatus.tsx";
import { BUTTON, BUTTON_SECONDARY, Card, INPUT, LINK, Notice } from "../../../components/ui.tsx";
import { formatDate, formatNumber } from "../../../lib/admin/format.ts";
import { type AdminFrame, loadAdminFrame } from "../../../lib/admin/frame.ts";
import { parseSite } from "../../../lib/admin/period.ts";
import { experimentNotice } from "../../../lib/experiments/form.ts";
import {
  type Experiment,
  type ExperimentStatus,
  findExperiments,
  isStatus,
  MAX_LIST,
  STATUSES,
} from "../../../lib/experiments/mod.ts";
import { page, type PageProps } from "../../../lib/fresh/mod.ts";
import { readerFor } from "../../../lib/reads/caller.ts";
import type { Ctx, State } from "../../../lib/state.ts";

interface Row {
  experiment: Experiment;
  exposures: number;
  conversions: number;
}

interface Data {
  frame: AdminFrame;
  rows: Row[];
  status: ExperimentStatus | null;
  site: string | null;
  sites: string[];
  notice: string | null;
}

export const handler = {
  async GET(ctx: Ctx) {
    const { store } = ctx.state.services;
    const reads = readerFor(ctx);
    const frame = loadAdminFrame(ctx);
    const rawStatus = ctx.url.searchParams.get("status");
    const status = isStatus(rawStatus) ? rawStatus : null;
    const site = parseSite(ctx.url.searchParams.get("experiment_site"));
    const experiments = await findExperiments(store, {
      siteId: site,
      statuses: status ? [status] : null,
      limit: MAX_LIST,
    });
    const rows = await Promise.all(experiments.map(async (experiment) => {
      const results = await reads.run("experimentResults", experiment, frame.now);
      return { experiment, exposures: results.exposures, conversions: results.conversions };
    }));
    const sites = [
      ...new Set([
        ...frame.sites.options.map((s) => s.site_id),
        ...experiments.map((e) => e.site_id),
        ...(site === null ? [] : [site]),
      ]),
    ].sort();
    return page<Data>({ frame, rows, status, site, sites, notice: experimentNotice(ctx.url) });
  },
};

export default function ExperimentsPage({ data }: PageProps<Data, State>) {
  const { frame } = data;
  return (
    <AdminShell
      title="Experiments"
      frame={frame}
      selection={false}
      subtitle="A/B tests: variants assigned by the tracker, conversions matched by the metric."
      actions={!frame.readOnly && (
        <a class={BUTTON} href="/admin/experiments/new" id="new-experiment">New experiment</a>
      )}
    >
      {data.notice && <Notice tone="success">{data.notice}</Notice>}
      <form
        method="get"
        action="/admin/experiments"
        class="flex flex-wrap items-end gap-3"
        id="experiment-filters"
      >
        <label class="flex items-center gap-2 text-sm text-slate-500">
          Status
          <select name="status" class={`${INPUT} w-36`}>
            <option value="" selected={data.status === null}>All</option>
            {STATUSES.map((s) => <option key={s} value={s} selected={data.status === s}>{s}
            </option>)}
          </select>
        </label>
        <label class="flex items-center gap-2 text-sm text-slate-500">
          Site
          <select name="experiment_site" class={`${INPUT} w-44`}>
            <option value="" selected={data.site === null}>All sites</option>
            {data.sites.map((s) => <option key={s} value={s} selected={data.site === s}>{s}
            </option>)}
          </select>
        </label>
        <button type="submit" class={BUTTON_SECONDARY}>Filter</button>
      </form>
      <Card>
        <DataTable
          id="experiments-table"
          caption="Experiments"
          head={
            <>
              <Th>Experiment</Th>
              <Th>Status</Th>
              <Th>Site</Th>
              <Th>Metric</Th>
              <Th>Variants</Th>
              <Th numeric>Exposures</Th>
              <Th numeric>Conversions</Th>
              <Th>Created</Th>
              <Th>Started</Th>
            </>
          }
        >
          {data.rows.length === 0 && (
            <EmptyRow columns={9}>
              {data.status || data.site
                ? "No experiment matches these filters."
                : "No experiments yet."}
            </EmptyRow>
          )}
          {data.rows.map(({ experiment: e, exposures, conversions }) => (
            <tr data-experiment={e.experiment_id}>
              <Td>
                <a class={LINK} href={`/admin/experiments/${encodeURIComponent(e.experiment_id)}`}>
                  {e.name}
                </a>
                <div class="font-mono text-xs text-slate-500">{e.experiment_id}</div>
              </Td>
              <Td>
                <ExperimentStatusBadge status={e.status} />
              </Td>
              <Td mono>{e.site_id}</Td>
              <Td mono>
                {e.metric}
                <span class="ml-1 font-sans text-slate-500">
                  {e.metric_kind === "custom" ? "(custom)" : "(type)"}
                </span>
              </Td>
              <Td mono>
                {e.variants.map((v) =>
                  v.variant_id
                ).join(", ")}
              </Td>
              <Td numeric>
                <span data-cell="exposures">{formatNumber(exposures)}</span>
              </Td>
              <Td numeric>
                <span data-cell="conversions">{formatNumber(conversions)}</span>
              </Td>
              <Td>{formatDate(e.created_at, frame.timezone)}</Td>
              <Td>{formatDate(e.started_at, frame.timezone)}</Td>
            </tr>
          ))}
        </DataTable>
      </Card>
    </AdminShell>
  );
}
