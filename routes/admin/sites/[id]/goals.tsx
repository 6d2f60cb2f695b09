// /admin/sites/:id/goals: the site's goals (lib/query/goals.ts) with their conversions over the
// selected period (the query engine, as the dashboard's Goals card), each linking to the dashboard
// filtered to its conversions; a form to add one or change it (`?edit=<id>`), and a delete button.
// Forms post here (action=save|delete); public mode shows the goals and figures read-only.
import { AdminShell } from "../../../../components/AdminShell.tsx";
import { ChangeDelete, FiltersNotice } from "../../../../components/SitePageParts.tsx";
import { GoalsCard } from "../../../../components/GoalsCard.tsx";
import { DataTable, EmptyRow, Td, Th } from "../../../../components/DataTable.tsx";
import {
  BUTTON,
  BUTTON_SECONDARY,
  Card,
  ErrorList,
  Field,
  INPUT,
  Notice,
} from "../../../../components/ui.tsx";
import { type DashboardFilters, dashboardHref, urlFilter } from "../../../../lib/admin/filters.ts";
import { overviewView } from "../../../../lib/admin/dashboard.ts";
import { siteFilters } from "../../../../lib/admin/site_filters.ts";
import { formPage, redirectWithNotice } from "../../../../lib/admin/forms.ts";
import { type AdminFrame, loadAdminFrame } from "../../../../lib/admin/frame.ts";
import {
  goalFormBody,
  type GoalFormValues,
  goalFormValues,
  goalRecordValues,
} from "../../../../lib/admin/goal_form.ts";
import {
  type GoalsCardModel,
  goalsCardQuery,
  loadGoalsCard,
} from "../../../../lib/admin/goals_card.ts";
import { siteOfRoute } from "../../../../lib/admin/sites.ts";
import { page, type PageProps } from "../../../../lib/fresh/mod.ts";
import { HttpError } from "../../../../lib/http_error.ts";
import {
  describeGoal,
  GOAL_BODY,
  GOAL_DIMENSION,
  GOAL_KINDS,
  type GoalRecord,
  MAX_GOAL_NAME_LENGTH,
  MAX_GOALS_PER_SITE,
  newGoal,
} from "../../../../lib/query/goals.ts";
import { readerFor } from "../../../../lib/reads/caller.ts";
import type { Ctx, State } from "../../../../lib/state.ts";

interface Data {
  frame: AdminFrame;
  site: string | null;
  goals: GoalRecord[];
  card: GoalsCardModel;
  filters: DashboardFilters | null;
  /** The goal being changed, or null for a new one. */
  editing: number | null;
  form: GoalFormValues;
  errors: string[];
}

const EMPTY: GoalFormValues = {
  name: "",
  kind: "page",
  page: "",
  event_name: "",
  props: "",
  scroll_depth: "",
  currency: "",
};

const mapOr = <T, R>(value: T | undefined, f: (v: T) => R, fallback: R) =>
  value === undefined ? fallback : f(value);

async function siteOf(ctx: Ctx): Promise<string | null> {
  return (await siteOfRoute(ctx))?.site_id ?? null;
}

async function render(
  ctx: Ctx,
  errors: string[] = [],
  status?: number,
  posted?: { form: GoalFormValues; editing: number | null },
) {
  const { store } = ctx.state.services;
  const frame = loadAdminFrame(ctx);
  const site = await siteOf(ctx);
  const goals = site ? await store.goals.list(site) : [];
  const edit = Number(ctx.url.searchParams.get("edit"));
  const editing = posted?.editing ?? (goals.find((g) => g.id === edit)?.id ?? null);
  // Under the dashboard's filters and bot setting, as its Goals card.
  const filters = site
    ? (await siteFilters(store.segments, frame, site, ctx.url.searchParams)).filters
    : null;
  const card = site && filters
    ? await loadGoalsCard(
      readerFor(ctx),
      goals,
      goalsCardQuery(site, frame.selection.period, frame.now, overviewView(filters)),
    )
    : { goals: [] };
  return page<Data>({
    frame,
    site,
    goals,
    card,
    filters,
    editing,
    form: posted?.form ?? mapOr(goals.find((g) => g.id === editing), goalRecordValues, EMPTY),
    errors,
  }, { status: status ?? (site ? 200 : 404) });
}

export const handler = formPage(render, async (ctx, form) => {
  const site = await siteOf(ctx);
  if (!site) return render(ctx);
  const { goals } = ctx.state.services.store;
  const back = `/admin/sites/${encodeURIComponent(site)}/goals`;
  const id = Number(form.get("id") ?? "");
  const known = Number.isSafeInteger(id) && id > 0 ? await goals.get(id) : null;
  if (form.get("action") === "delete") {
    if (!known || known.site_id !== site) throw new HttpError(404, "not_found", "No such goal.");
    await goals.delete(known.id);
    return redirectWithNotice(back, "goal_deleted");
  }
  const values = goalFormValues(form);
  const editing = known && known.site_id === site ? known.id : null;
  const parsed = GOAL_BODY.safeParse(goalFormBody(site, values));
  if (!parsed.success) {
    return render(ctx, parsed.error.issues.map((i) => i.message), 400, { form: values, editing });
  }
  const goal = newGoal(parsed.data);
  const saved = editing === null ? await goals.create(goal) : await goals.update(editing, goal);
  if (saved === "conflict" || saved === "full") {
    const why = saved === "full"
      ? `This site has ${MAX_GOALS_PER_SITE} goals, the most a site may have.`
      : `This site already has a goal named "${goal.name}".`;
    return render(ctx, [why], 409, { form: values, editing });
  }
  if (saved === "missing") throw new HttpError(404, "not_found", "No such goal.");
  return redirectWithNotice(back, "goal_saved");
});

export default function GoalsPage({ data }: PageProps<Data, State>) {
  const { frame, site } = data;
  if (!site) {
    return (
      <AdminShell title="Goals" frame={frame} selection={false}>
        <Notice tone="warning">There is no such site.</Notice>
      </AdminShell>
    );
  }
  const selection = { ...frame.selection, site };
  const raws = data.filters?.items.map((i) => i.raw) ?? [];
  const bots = data.filters?.bots ?? "hide";
  const converted = (name: string) =>
    dashboardHref(selection, [...raws, urlFilter(GOAL_DIMENSION, "is", name)], bots);
  return (
    <AdminShell
      title="Goals"
      frame={frame}
      subtitle={`Site ${site}: what counts as a conversion`}
      actions={!frame.readOnly && (
        <a class={BUTTON_SECONDARY} href={`/admin/sites/${encodeURIComponent(site)}`}>
          Site settings
        </a>
      )}
    >
      <ErrorList errors={data.errors} />
      <FiltersNotice id="goal-filters" filters={data.filters} />
      <GoalsCard model={data.card} filterHref={converted} manageHref={null} />
      <Card title="Definitions">
        <DataTable
          id="goal-definitions"
          caption="Goals"
          head={
            <>
              <Th>Name</Th>
              <Th>Counts</Th>
              {!frame.readOnly && <Th>Actions</Th>}
            </>
          }
        >
          {data.goals.length === 0 && (
            <EmptyRow columns={frame.readOnly ? 2 : 3}>No goals yet.</EmptyRow>
          )}
          {data.goals.map((g) => (
            <tr data-goal={g.name}>
              <Td>{g.name}</Td>
              <Td wrap>{describeGoal(g)}</Td>
              {!frame.readOnly && (
                <Td>
                  <ChangeDelete id={g.id} />
                </Td>
              )}
            </tr>
          ))}
        </DataTable>
      </Card>
      {!frame.readOnly && <GoalForm data={data} />}
    </AdminShell>
  );
}

function GoalForm(props: { data: Data }) {
  const { form, editing } = props.data;
  return (
    <Card
      title={editing === null ? "Add a goal" : `Change ${form.name}`}
      subtitle="A page: an exact path, * within a segment, ** across (/blog/**). An event: the name sent with echelon.track, optionally with property values (plan=pro, one per line). A scroll depth: a page and the percentage reached."
    >
      <form method="post" id="goal-form" class="grid max-w-2xl gap-4 sm:grid-cols-2">
        <input type="hidden" name="action" value="save" />
        {editing !== null && <input type="hidden" name="id" value={String(editing)} />}
        <Field label="Name">
          <input
            name="name"
            required
            maxLength={MAX_GOAL_NAME_LENGTH}
            value={form.name}
            class={INPUT}
          />
        </Field>
        <Field label="Kind">
          <select name="kind" class={INPUT}>
            {GOAL_KINDS.map((k) => <option key={k} value={k} selected={form.kind === k}>{k}
            </option>)}
          </select>
        </Field>
        <Field label="Page (page and scroll goals)">
          <input name="page" value={form.page} placeholder="/thanks" class={INPUT} />
        </Field>
        <Field label="Event name (event goals)">
          <input name="event_name" value={form.event_name} placeholder="signup" class={INPUT} />
        </Field>
        <Field label="Property values (event goals)">
          <textarea name="props" rows={2} class={INPUT} placeholder="plan=pro">
            {form.props}
          </textarea>
        </Field>
        <Field label="Revenue currency (event goals)">
          <input
            name="currency"
            maxLength={3}
            value={form.currency}
            placeholder="EUR"
            class={INPUT}
          />
        </Field>
        <Field label="Scroll depth % (scroll goals)">
          <input
            name="scroll_depth"
            inputMode="numeric"
            value={form.scroll_depth}
            placeholder="75"
            class={INPUT}
          />
        </Field>
        <div class="sm:col-span-2">
          <button type="submit" class={BUTTON}>{editing === null ? "Add goal" : "Save"}</button>
        </div>
      </form>
    </Card>
  );
}
