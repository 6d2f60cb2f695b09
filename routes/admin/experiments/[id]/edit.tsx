// /admin/experiments/:id/edit: the form for a draft's definition (the id is fixed), POSTed here;
// once an experiment has started its definition is frozen and this page says so.
import { AdminShell } from "../../../../components/AdminShell.tsx";
import { Card, ErrorList, LINK, Notice } from "../../../../components/ui.tsx";
import ExperimentForm from "../../../../islands/ExperimentForm.tsx";
import { assertWritable, isReadOnly, readForm } from "../../../../lib/admin/forms.ts";
import { type AdminFrame, loadAdminFrame } from "../../../../lib/admin/frame.ts";
import {
  type FormIslandProps,
  formIslandProps,
  submitDefinition,
} from "../../../../lib/experiments/admin.ts";
import {
  applyRowIntent,
  type ExperimentFormValues,
  formOf,
  readFormValues,
  redirectDone,
} from "../../../../lib/experiments/form.ts";
import { editDraft, type Experiment, findExperiment } from "../../../../lib/experiments/mod.ts";
import { page, type PageProps } from "../../../../lib/fresh/mod.ts";
import { HttpError } from "../../../../lib/http_error.ts";
import type { Ctx, State } from "../../../../lib/state.ts";

interface Data {
  frame: AdminFrame;
  experiment: Experiment | null;
  form: FormIslandProps | null;
  errors: string[];
}

async function render(
  ctx: Ctx,
  experiment: Experiment | null,
  values: ExperimentFormValues | null,
  errors: string[] = [],
  status?: number,
) {
  const frame = loadAdminFrame(ctx);
  const path = experiment
    ? `/admin/experiments/${encodeURIComponent(experiment.experiment_id)}`
    : "";
  const form = experiment && values && experiment.status === "draft"
    ? formIslandProps(frame, {
      action: `${path}/edit`,
      values,
      editing: true,
      cancelHref: path,
    }, await ctx.state.services.store.goals.list(null))
    : null;
  return page<Data>(
    { frame, experiment, form, errors },
    { status: status ?? (experiment ? (form ? 200 : 409) : 404) },
  );
}

export const handler = {
  async GET(ctx: Ctx) {
    if (isReadOnly(ctx)) {
      throw new HttpError(403, "read_only", "This is a public read-only instance.");
    }
    const experiment = await findExperiment(ctx.state.services.store, ctx.params.id);
    return render(ctx, experiment, experiment && formOf(experiment));
  },

  async POST(ctx: Ctx) {
    assertWritable(ctx);
    const form = await readForm(ctx);
    const store = ctx.state.services.store;
    const experiment = await findExperiment(store, ctx.params.id);
    if (!experiment || experiment.status !== "draft") return render(ctx, experiment, null);
    const values = { ...readFormValues(form), experiment_id: experiment.experiment_id };
    const changed = applyRowIntent(values, form.get("intent"));
    if (changed) return render(ctx, experiment, changed);
    const result = await submitDefinition(
      values,
      (input) => editDraft(store, experiment.experiment_id, input),
    );
    if (result.errors.length > 0) {
      return render(
        ctx,
        await findExperiment(store, experiment.experiment_id),
        values,
        result.errors,
        result.status,
      );
    }
    await ctx.state.services.collect.refreshExperiments();
    return redirectDone(
      `/admin/experiments/${encodeURIComponent(experiment.experiment_id)}`,
      "saved",
    );
  },
};

export default function EditExperimentPage({ data }: PageProps<Data, State>) {
  const { experiment, frame } = data;
  return (
    <AdminShell
      title={experiment ? `Edit ${experiment.name}` : "Edit experiment"}
      frame={frame}
      selection={false}
    >
      <ErrorList errors={data.errors} />
      {!experiment && <Notice tone="warning">There is no such experiment.</Notice>}
      {experiment && !data.form && (
        <Notice tone="warning">
          "{experiment.experiment_id}" is {experiment.status}: only a draft can be edited.
        </Notice>
      )}
      {data.form && (
        <Card>
          <ExperimentForm {...data.form} />
        </Card>
      )}
      <p>
        <a class={LINK} href="/admin/experiments">All experiments</a>
      </p>
    </AdminShell>
  );
}
