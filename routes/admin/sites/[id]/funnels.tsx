// /admin/sites/:id/funnels: the site's funnels (lib/query/funnels.ts), each computed over the
// selected period under the dashboard's filters and bot setting (the URL's `f` and `bots`, as the
// dashboard's: lib/admin/filters.ts) and drawn as bars with a table of the same figures; a form to
// add one or change it (`?edit=<id>`), and a delete button. Forms post here (action=save|delete);
// public mode shows the funnels and their figures read-only.
import { AdminShell } from "../../../../components/AdminShell.tsx";
import { ChangeDelete, FiltersNotice } from "../../../../components/SitePageParts.tsx";
import { FunnelChart } from "../../../../components/FunnelChart.tsx";
import {
  BUTTON,
  BUTTON_SECONDARY,
  Card,
  ErrorList,
  Field,
  INPUT,
  Notice,
} from "../../../../components/ui.tsx";
import { dashboardHref } from "../../../../lib/admin/filters.ts";
import type { DashboardFilters } from "../../../../lib/admin/filters.ts";
import { formPage, redirectWithNotice } from "../../../../lib/admin/forms.ts";
import { type AdminFrame, loadAdminFrame } from "../../../../lib/admin/frame.ts";
import { overviewView } from "../../../../lib/admin/dashboard.ts";
import {
  type FunnelFigures,
  funnelsQuery,
  loadFunnels,
  MAX_FUNNELS_SHOWN,
  parseStepLines,
  stepLines,
} from "../../../../lib/admin/funnels_page.ts";
import { parseText } from "../../../../lib/admin/filters.ts";
import { siteOfRoute } from "../../../../lib/admin/sites.ts";
import { siteFilters } from "../../../../lib/admin/site_filters.ts";
import { page, type PageProps } from "../../../../lib/fresh/mod.ts";
import { HttpError } from "../../../../lib/http_error.ts";
import {
  FUNNEL_BODY,
  FUNNEL_ORDERS,
  FUNNEL_UNITS,
  type FunnelOrder,
  type FunnelUnit,
  MAX_FUNNELS_PER_SITE,
  newFunnel,
} from "../../../../lib/query/funnels.ts";
import { readerFor } from "../../../../lib/reads/caller.ts";
import type { Ctx, State } from "../../../../lib/state.ts";
import type { FunnelRecord } from "../../../../lib/store/funnels.ts";

interface FormValues {
  name: string;
  steps: string;
  order: FunnelOrder;
  per: FunnelUnit;
}

interface Data {
  frame: AdminFrame;
  site: string | null;
  funnels: FunnelRecord[];
  figures: FunnelFigures[];
  filters: DashboardFilters | null;
  editing: number | null;
  form: FormValues;
  errors: string[];
}

const EMPTY: FormValues = { name: "", steps: "", order: "strict", per: "visit" };

const ORDER_LABELS: Record<FunnelOrder, string> = {
  strict: "in order (other pages may come between)",
  any: "in any order",
};
const UNIT_LABELS: Record<FunnelUnit, string> = {
  visit: "within one visit",
  visitor: "per visitor over the period",
};

async function siteOf(ctx: Ctx): Promise<string | null> {
  return (await siteOfRoute(ctx))?.site_id ?? null;
}

function formValues(form: URLSearchParams): FormValues {
  const order = form.get("order") ?? "";
  const per = form.get("per") ?? "";
  return {
    name: parseText(form.get("name"), 200),
    steps: (form.get("steps") ?? "").slice(0, 4000),
    order: (FUNNEL_ORDERS as readonly string[]).includes(order) ? order as FunnelOrder : "strict",
    per: (FUNNEL_UNITS as readonly string[]).includes(per) ? per as FunnelUnit : "visit",
  };
}

async function render(
  ctx: Ctx,
  errors: string[] = [],
  status?: number,
  posted?: { form: FormValues; editing: number | null },
) {
  const { store } = ctx.state.services;
  const frame = loadAdminFrame(ctx);
  const site = await siteOf(ctx);
  const funnels = site ? await store.funnels.list(site) : [];
  let filters: DashboardFilters | null = null;
  let figures: FunnelFigures[] = [];
  if (site) {
    filters = (await siteFilters(store.segments, frame, site, ctx.url.searchParams)).filters;
    const query = funnelsQuery(site, frame.selection.period, frame.now, overviewView(filters));
    figures = await loadFunnels(readerFor(ctx), funnels, query);
  }
  const edit = Number(ctx.url.searchParams.get("edit"));
  const editing = posted?.editing ?? (funnels.find((f) => f.id === edit)?.id ?? null);
  const current = funnels.find((f) => f.id === editing);
  return page<Data>({
    frame,
    site,
    funnels,
    figures,
    filters,
    editing,
    form: posted?.form ??
      (current
        ? {
          name: current.name,
          steps: stepLines(current.steps),
          order: current.order,
          per: current.per,
        }
        : EMPTY),
    errors,
  }, { status: status ?? (site ? 200 : 404) });
}

export const handler = formPage(render, async (ctx, form) => {
  const site = await siteOf(ctx);
  if (!site) return render(ctx);
  const { funnels } = ctx.state.services.store;
  const back = `/admin/sites/${encodeURIComponent(site)}/funnels`;
  const id = Number(form.get("id") ?? "");
  const known = Number.isSafeInteger(id) && id > 0 ? await funnels.get(id) : null;
  if (form.get("action") === "delete") {
    if (!known || known.site_id !== site) throw new HttpError(404, "not_found", "No such funnel.");
    await funnels.delete(known.id);
    return redirectWithNotice(back, "funnel_deleted");
  }
  const values = formValues(form);
  const editing = known && known.site_id === site ? known.id : null;
  const parsed = FUNNEL_BODY.safeParse({
    site_id: site,
    name: values.name,
    steps: parseStepLines(values.steps),
    order: values.order,
    per: values.per,
  });
  if (!parsed.success) {
    const messages = parsed.error.issues.map((i) =>
      i.path.length > 1 ? `steps line ${Number(i.path[1]) + 1}: ${i.message}` : i.message
    );
    return render(ctx, messages, 400, { form: values, editing });
  }
  const funnel = newFunnel(parsed.data);
  const saved = editing === null
    ? await funnels.create(funnel)
    : await funnels.update(editing, funnel);
  if (saved === "conflict" || saved === "full") {
    const why = saved === "full"
      ? `This site has ${MAX_FUNNELS_PER_SITE} funnels, the most a site may have.`
      : `This site already has a funnel named "${funnel.name}".`;
    return render(ctx, [why], 409, { form: values, editing });
  }
  if (saved === "missing") throw new HttpError(404, "not_found", "No such funnel.");
  return redirectWithNotice(back, "funnel_saved");
});

export default function FunnelsPage({ data }: PageProps<Data, State>) {
  const { frame, site } = data;
  if (!site) {
    return (
      <AdminShell title="Funnels" frame={frame} selection={false}>
        <Notice tone="warning">There is no such site.</Notice>
      </AdminShell>
    );
  }
  const selection = { ...frame.selection, site };
  const filters = data.filters!;
  return (
    <AdminShell
      title="Funnels"
      frame={frame}
      subtitle={`Site ${site}: how many visits get through each step`}
      actions={
        <a
          class={BUTTON_SECONDARY}
          href={dashboardHref(selection, filters.items.map((i) => i.raw), filters.bots)}
        >
          Dashboard
        </a>
      }
    >
      <ErrorList errors={data.errors} />
      <FiltersNotice id="funnel-filters" filters={filters} />
      {data.funnels.length === 0 && <Notice>No funnels yet.</Notice>}
      {data.funnels.length > MAX_FUNNELS_SHOWN && (
        <Notice>The first {MAX_FUNNELS_SHOWN} funnels are computed.</Notice>
      )}
      {data.funnels.slice(0, MAX_FUNNELS_SHOWN).map((f, i) => {
        const figures = data.figures[i];
        return (
          <section data-funnel={f.name}>
            <Card
              title={f.name}
              subtitle={`${f.steps.length} steps, ${ORDER_LABELS[f.order]}, ${UNIT_LABELS[f.per]}`}
            >
              {"unavailable" in figures
                ? (
                  <p class="text-sm text-slate-500">
                    Not available right now: {figures.unavailable}
                  </p>
                )
                : (
                  <FunnelChart
                    id={`funnel-${f.id}`}
                    title={`${f.name}: visits at each step`}
                    steps={figures.steps}
                  />
                )}
              {!frame.readOnly && (
                <p class="mt-3 flex items-center gap-3 text-sm">
                  <ChangeDelete id={f.id} />
                </p>
              )}
            </Card>
          </section>
        );
      })}
      {!frame.readOnly && <FunnelForm data={data} />}
    </AdminShell>
  );
}

function FunnelForm(props: { data: Data }) {
  const { form, editing } = props.data;
  return (
    <Card
      title={editing === null ? "Add a funnel" : `Change ${form.name}`}
      subtitle="2-8 steps, one per line: a page (/pricing, /blog/**) or a custom event's name with optional property values (signup plan=pro); add ' as Label' to name a step."
    >
      <form method="post" id="funnel-form" class="grid max-w-2xl gap-4 sm:grid-cols-2">
        <input type="hidden" name="action" value="save" />
        {editing !== null && <input type="hidden" name="id" value={String(editing)} />}
        <Field label="Name">
          <input name="name" required maxLength={100} value={form.name} class={INPUT} />
        </Field>
        <div />
        <div class="sm:col-span-2">
          <Field label="Steps">
            <textarea
              name="steps"
              rows={5}
              class={`${INPUT} font-mono`}
              placeholder="/pricing"
            >
              {form.steps}
            </textarea>
          </Field>
        </div>
        <Field label="Order">
          <select name="order" class={INPUT}>
            {FUNNEL_ORDERS.map((o) => (
              <option key={o} value={o} selected={form.order === o}>{ORDER_LABELS[o]}</option>
            ))}
          </select>
        </Field>
        <Field label="Counted">
          <select name="per" class={INPUT}>
            {FUNNEL_UNITS.map((u) => (
              <option key={u} value={u} selected={form.per === u}>{UNIT_LABELS[u]}</option>
            ))}
          </select>
        </Field>
        <div class="sm:col-span-2">
          <button type="submit" class={BUTTON}>{editing === null ? "Add funnel" : "Save"}</button>
        </div>
      </form>
    </Card>
  );
}
