// /admin/experiments/new: the form to create an experiment (islands/ExperimentForm.tsx), POSTed
// here as a plain form; a valid one is stored as a draft and the browser goes to its page. Rows
// are added or removed in place when the island runs, or by a round trip here without it.
import { AdminShell } from "../../../components/AdminShell.tsx";
import { Card, ErrorList } from "../../../components/ui.tsx";
import ExperimentForm from "../../../islands/ExperimentForm.tsx";
import { assertWritable, isReadOnly, readForm } from "../../../lib/admin/forms.ts";
import { type AdminFrame, loadAdminFrame } from "../../../lib/admin/frame.ts";
import {
  type FormIslandProps,
  formIslandProps,
  submitDefinition,
} from "../../../lib/experiments/admin.ts";
import {
  applyRowIntent,
  blankForm,
  type ExperimentFormValues,
  readFormValues,
  redirectDone,
} from "../../../lib/experiments/form.ts";
import { createExperiment } from "../../../lib/experiments/mod.ts";
import { page, type PageProps } from "../../../lib/fresh/mod.ts";
import { HttpError } from "../../../lib/http_error.ts";
import type { Ctx, State } from "../../../lib/state.ts";

interface Data {
  frame: AdminFrame;
  form: FormIslandProps;
  errors: string[];
}

async function render(
  ctx: Ctx,
  values: ExperimentFormValues,
  errors: string[] = [],
  status = 200,
) {
  const frame = loadAdminFrame(ctx);
  const form = formIslandProps(frame, {
    action: "/admin/experiments/new",
    values,
    editing: false,
    cancelHref: "/admin/experiments",
  }, await ctx.state.services.store.goals.list(null));
  return page<Data>({ frame, form, errors }, { status });
}

export const handler = {
  GET(ctx: Ctx) {
    if (isReadOnly(ctx)) {
      throw new HttpError(403, "read_only", "This is a public read-only instance.");
    }
    return render(ctx, blankForm(loadAdminFrame(ctx).selection.site));
  },

  async POST(ctx: Ctx) {
    assertWritable(ctx);
    const form = await readForm(ctx);
    const values = readFormValues(form);
    const changed = applyRowIntent(values, form.get("intent"));
    if (changed) return render(ctx, changed);
    const { store, now } = ctx.state.services;
    const result = await submitDefinition(values, (input) => createExperiment(store, input, now()));
    if (result.errors.length > 0) return render(ctx, values, result.errors, result.status);
    await ctx.state.services.collect.refreshExperiments();
    return redirectDone(
      `/admin/experiments/${encodeURIComponent(values.experiment_id.trim())}`,
      "created",
    );
  },
};

export default function NewExperimentPage({ data }: PageProps<Data, State>) {
  return (
    <AdminShell title="New experiment" frame={data.frame} selection={false}>
      <ErrorList errors={data.errors} />
      <Card>
        <ExperimentForm {...data.form} />
      </Card>
    </AdminShell>
  );
}
