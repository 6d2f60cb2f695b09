// /admin/experiments/:id: one experiment — its status with a button for each allowed transition
// (plain POST forms carrying the status they were rendered for, so a stale page gets a clear
// refusal instead of an unexpected change), edit and delete while it is a draft, the definition
// and its pauses, the results (table, chart, sample-ratio warning) and the code to paste into the
// site. Public mode shows everything but the controls.
import { AdminShell } from "../../../components/AdminShell.tsx";
import { DataTable, Td, Th } from "../../../components/DataTable.tsx";
import { ExperimentResultsView } from "../../../components/ExperimentResults.tsx";
import { ExperimentStatusBadge } from "../../../components/ExperimentStatus.tsx";
import { Snippet } from "../../../components/Snippet.tsx";
import {
  BUTTON,
  BUTTON_DANGER,
  BUTTON_SECONDARY,
  Card,
  ErrorList,
  Field,
  INPUT,
  LINK,
  Notice,
} from "../../../components/ui.tsx";
import { formatDateTime, formatDuration } from "../../../lib/admin/format.ts";
import { formPage } from "../../../lib/admin/forms.ts";
import { type AdminFrame, loadAdminFrame } from "../../../lib/admin/frame.ts";
import { experimentNotice, redirectDone } from "../../../lib/experiments/form.ts";
import {
  changeStatus,
  deleteExperiment,
  type Experiment,
  findExperiment,
  parseStatus,
  TRANSITION_LABELS,
  TRANSITIONS,
} from "../../../lib/experiments/mod.ts";
import { RESULT_BOTS } from "../../../lib/experiments/params.ts";
import type { ExperimentResults } from "../../../lib/experiments/results.ts";
import type { BotMode } from "../../../lib/query/model.ts";
import { experimentSnippet } from "../../../lib/experiments/snippet.ts";
import { page, type PageProps } from "../../../lib/fresh/mod.ts";
import { publicOrigin } from "../../../lib/public_origin.ts";
import { readerFor } from "../../../lib/reads/caller.ts";
import type { Ctx, State } from "../../../lib/state.ts";

/** The results' bot setting from `?bots=` (hide, show, only); anything else: hide. */
function botsParam(url: URL): BotMode {
  const raw = url.searchParams.get("bots");
  return (RESULT_BOTS as readonly string[]).includes(raw ?? "") ? raw as BotMode : "hide";
}

interface Data {
  frame: AdminFrame;
  experiment: Experiment | null;
  results: ExperimentResults | null;
  snippet: string;
  notice: string | null;
  errors: string[];
}

async function render(ctx: Ctx, errors: string[] = [], status?: number) {
  const { config, store } = ctx.state.services;
  const reads = readerFor(ctx);
  const frame = loadAdminFrame(ctx);
  const experiment = await findExperiment(store, ctx.params.id);
  const bots = botsParam(ctx.url);
  return page<Data>({
    frame,
    experiment,
    results: experiment && await reads.run("experimentResults", experiment, frame.now, bots),
    snippet: experiment ? experimentSnippet(publicOrigin(ctx, config), experiment) : "",
    notice: errors.length === 0 ? experimentNotice(ctx.url) : null,
    errors,
  }, { status: status ?? (experiment ? 200 : 404) });
}

export const handler = formPage(render, async (ctx, form) => {
  const { store, now } = ctx.state.services;
  const id = ctx.params.id;
  if (form.get("intent") === "delete") {
    await deleteExperiment(store, id);
    return redirectDone("/admin/experiments", "deleted");
  }
  const to = parseStatus(form.get("status"));
  const expected = form.get("from") ? parseStatus(form.get("from"), "from") : undefined;
  const moved = await changeStatus(store, { id, to, expected, now: now() });
  return redirectDone(`/admin/experiments/${encodeURIComponent(id)}`, moved.status);
});

export default function ExperimentPage({ data }: PageProps<Data, State>) {
  const { frame, experiment: e, results } = data;
  if (!e || !results) {
    return (
      <AdminShell title="Experiment" frame={frame} selection={false}>
        <ErrorList errors={data.errors} />
        <Notice tone="warning">There is no such experiment.</Notice>
        <p>
          <a class={LINK} href="/admin/experiments">All experiments</a>
        </p>
      </AdminShell>
    );
  }
  const path = `/admin/experiments/${encodeURIComponent(e.experiment_id)}`;
  return (
    <AdminShell
      title={e.name}
      frame={frame}
      selection={false}
      subtitle={
        <>
          <span class="font-mono">{e.experiment_id}</span> · site{" "}
          <span class="font-mono">{e.site_id}</span> · <ExperimentStatusBadge status={e.status} />
        </>
      }
      actions={<a class={BUTTON_SECONDARY} href="/admin/experiments">All experiments</a>}
    >
      <ErrorList errors={data.errors} />
      {data.notice && <Notice tone="success">{data.notice}</Notice>}
      {!frame.readOnly && <StatusControls experiment={e} path={path} />}
      <Card title="Results" id="results">
        <BotsSelector path={path} bots={results.bots} />
        <ExperimentResultsView results={results} />
      </Card>
      <Definition experiment={e} results={results} timezone={frame.timezone} />
      <Card
        title="Embed"
        subtitle="Paste into the pages of the experiment (after the tracker tag, or with it)."
      >
        <Snippet id="experiment-snippet" code={data.snippet} />
        <p class="mt-2 text-xs text-slate-500">
          The tracker picks a variant by these weights, the same one for the whole tab session, and
          sends one exposure per page view. Called without variants, it fetches them and enrols{" "}
          {e.allocation_percent}% of tab sessions (the allocation); the others see the control and
          send no exposure. With variants in the page, every tab session is enrolled.
        </p>
      </Card>
    </AdminShell>
  );
}

/** Which rows the results count: a GET form (no script), humans only by default. */
function BotsSelector(props: { path: string; bots: BotMode }) {
  const labels: Record<BotMode, string> = { hide: "Hidden", show: "Shown", only: "Only bots" };
  return (
    <form method="get" action={props.path} id="results-bots" class="mb-3 flex items-end gap-2">
      <Field label="Bots">
        <select name="bots" class={INPUT}>
          {RESULT_BOTS.map((mode) => (
            <option value={mode} selected={props.bots === mode}>{labels[mode]}</option>
          ))}
        </select>
      </Field>
      <button type="submit" class={BUTTON_SECONDARY}>Apply</button>
    </form>
  );
}

function StatusControls(props: { experiment: Experiment; path: string }) {
  const { experiment: e, path } = props;
  const next = TRANSITIONS[e.status];
  return (
    <Card title="Status" id="status-controls">
      <div class="flex flex-wrap items-center gap-2">
        {next.map((to) => (
          <form method="post" action={path} data-transition={to}>
            <input type="hidden" name="from" value={e.status} />
            <button
              type="submit"
              name="status"
              value={to}
              class={to === "active" ? BUTTON : BUTTON_SECONDARY}
            >
              {e.status === "paused" && to === "active" ? "Resume" : TRANSITION_LABELS[to]}
            </button>
          </form>
        ))}
        {e.status === "draft" && (
          <a class={BUTTON_SECONDARY} href={`${path}/edit`} id="edit-experiment">Edit</a>
        )}
        {e.status === "draft" && (
          <details class="ml-auto">
            <summary class="cursor-pointer text-sm text-rose-700 dark:text-rose-400">
              Delete…
            </summary>
            <form method="post" action={path} class="mt-2" id="delete-experiment">
              <input type="hidden" name="intent" value="delete" />
              <button type="submit" class={BUTTON_DANGER}>Delete this draft</button>
            </form>
          </details>
        )}
        {next.length === 0 && (
          <span class="text-sm text-slate-500">Archived: no further changes.</span>
        )}
      </div>
      <p class="mt-2 text-xs text-slate-500">
        {e.status === "draft"
          ? "Starting freezes the definition and starts counting; a draft can still be edited or deleted."
          : e.status === "completed"
          ? "Completed: results are final (events after the end are not counted)."
          : "Results count events from the first start until completion, except while paused: the tracker keeps assigning and sending then, but those events are not counted."}
      </p>
    </Card>
  );
}

function Definition(
  props: { experiment: Experiment; results: ExperimentResults; timezone: string },
) {
  const { experiment: e, results, timezone } = props;
  const total = e.variants.reduce((sum, v) => sum + v.weight, 0);
  return (
    <Card title="Definition" id="definition">
      <dl class="grid gap-3 text-sm sm:grid-cols-3">
        <div>
          <dt class="text-xs uppercase text-slate-500">Metric</dt>
          <dd>
            {results.goal
              ? (
                <>
                  Goal <span class="font-semibold" id="metric-goal">{results.goal.name}</span>{" "}
                  <span class="text-slate-500">({results.goal.description})</span>
                </>
              )
              : e.metric_goal_id !== null
              ? <span class="text-slate-500">Goal #{e.metric_goal_id} (deleted)</span>
              : (
                <>
                  <span class="font-mono">{e.metric}</span>{" "}
                  <span class="text-slate-500">
                    {e.metric_kind === "custom"
                      ? `(custom event: echelon.track("${e.metric}"))`
                      : "(built-in event type)"}
                  </span>
                </>
              )}
          </dd>
        </div>
        <div>
          <dt class="text-xs uppercase text-slate-500">Allocation</dt>
          <dd>{e.allocation_percent}%</dd>
        </div>
        <div>
          <dt class="text-xs uppercase text-slate-500">Created · started · ended</dt>
          <dd>
            {formatDateTime(e.created_at, timezone)} · {formatDateTime(e.started_at, timezone)} ·
            {" "}
            {formatDateTime(e.ended_at, timezone)}
          </dd>
        </div>
        {results.pauses.length > 0 && (
          <div class="sm:col-span-3">
            <dt class="text-xs uppercase text-slate-500">
              Pauses (not counted) · {formatDuration(results.paused_ms)} in total
            </dt>
            <dd>
              <Pauses results={results} timezone={timezone} />
            </dd>
          </div>
        )}
        {e.description && (
          <div class="sm:col-span-3">
            <dt class="text-xs uppercase text-slate-500">Description</dt>
            <dd class="whitespace-pre-line">{e.description}</dd>
          </div>
        )}
      </dl>
      <div class="mt-3">
        <DataTable
          id="variants-table"
          caption="Variants"
          head={
            <>
              <Th>Variant</Th>
              <Th>Name</Th>
              <Th numeric>Weight</Th>
              <Th numeric>Share</Th>
              <Th>Config</Th>
            </>
          }
        >
          {e.variants.map((v) => (
            <tr data-variant={v.variant_id}>
              <Td mono>
                {v.variant_id}
                {v.is_control && <span class="ml-1 font-sans text-slate-500">(control)</span>}
              </Td>
              <Td>{v.name}</Td>
              <Td numeric>{v.weight}</Td>
              <Td numeric>{total > 0 ? `${((v.weight / total) * 100).toFixed(1)}%` : "—"}</Td>
              <Td mono wrap>{v.config === null ? "—" : JSON.stringify(v.config)}</Td>
            </tr>
          ))}
        </DataTable>
      </div>
    </Card>
  );
}

/** Each pause: from → to (how long); an open one runs to the end, or is still going on. */
function Pauses(props: { results: ExperimentResults; timezone: string }) {
  const { results: r, timezone } = props;
  const end = r.window?.to ?? null;
  return (
    <ul id="experiment-pauses" class="space-y-0.5">
      {r.pauses.map((p) => {
        const until = p.resumed_at ?? end;
        return (
          <li data-pause={p.paused_at}>
            {formatDateTime(p.paused_at, timezone)} → {p.resumed_at
              ? formatDateTime(p.resumed_at, timezone)
              : r.status === "paused"
              ? "still paused"
              : "not resumed (completed while paused)"}
            {until !== null && (
              <span class="ml-1 text-slate-500">
                ({formatDuration(Math.max(0, Date.parse(until) - Date.parse(p.paused_at)))})
              </span>
            )}
          </li>
        );
      })}
    </ul>
  );
}
