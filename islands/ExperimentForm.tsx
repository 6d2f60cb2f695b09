// The experiment form (create, or edit a draft): a plain POST form that works without JavaScript
// (adding or removing a variant row then posts an intent and the server renders the form again);
// hydrated, the same buttons change the rows in place. The server validates everything.
import { useState } from "preact/hooks";
import { BUTTON, BUTTON_SECONDARY, BUTTON_SMALL, Field, INPUT, LABEL } from "../components/ui.tsx";
import {
  applyRowIntent,
  type ExperimentFormValues,
  type VariantFields,
} from "../lib/experiments/form_values.ts";
import { MAX_VARIANTS, MIN_VARIANTS } from "../lib/experiments/limits.ts";

export interface ExperimentFormProps {
  action: string;
  values: ExperimentFormValues;
  /** Known site ids, offered as suggestions. */
  sites: string[];
  /** Built-in event types a metric may name, offered as suggestions. */
  metricTypes: string[];
  /** Every site's goals: one may be the metric instead (its site must be the experiment's). */
  goals: { id: number; site_id: string; label: string }[];
  /** Editing a draft: the id is fixed. */
  editing: boolean;
  cancelHref: string;
}

export default function ExperimentForm(props: ExperimentFormProps) {
  const [values, setValues] = useState(props.values);
  const set = (patch: Partial<ExperimentFormValues>) => setValues({ ...values, ...patch });
  const setVariant = (index: number, patch: Partial<VariantFields>) =>
    set({ variants: values.variants.map((v, i) => (i === index ? { ...v, ...patch } : v)) });
  const rowIntent = (intent: string) => (event: Event) => {
    event.preventDefault();
    const next = applyRowIntent(values, intent);
    if (next) setValues(next);
  };
  const input = (event: Event) => (event.currentTarget as HTMLInputElement).value;

  return (
    <form method="post" action={props.action} id="experiment-form" class="space-y-5">
      {
        /* Enter in a field submits with the form's first submit button: make that "save", not a
          row's "Remove" (kept in the tree, out of sight and out of the tab order). */
      }
      <button
        type="submit"
        name="intent"
        value="save"
        tabIndex={-1}
        aria-hidden="true"
        class="sr-only"
      >
        Save
      </button>
      <div class="grid gap-4 sm:grid-cols-2">
        <Field label="Experiment id">
          <input
            name="experiment_id"
            required
            maxLength={128}
            pattern="[A-Za-z0-9._\-]{1,128}"
            readOnly={props.editing}
            placeholder="checkout-button"
            value={values.experiment_id}
            onInput={(e) => set({ experiment_id: input(e) })}
            class={`${INPUT} font-mono`}
          />
        </Field>
        <Field label="Name">
          <input
            name="name"
            required
            maxLength={256}
            placeholder="Checkout button colour"
            value={values.name}
            onInput={(e) => set({ name: input(e) })}
            class={INPUT}
          />
        </Field>
        <Field label="Site">
          <input
            name="site_id"
            required
            maxLength={64}
            list="experiment-sites"
            value={values.site_id}
            onInput={(e) => set({ site_id: input(e) })}
            class={`${INPUT} font-mono`}
          />
          <datalist id="experiment-sites">
            {props.sites.map((site) => <option key={site} value={site} />)}
          </datalist>
        </Field>
        <Field label="Allocation %">
          <input
            name="allocation_percent"
            type="number"
            min={1}
            max={100}
            step={1}
            required
            value={values.allocation_percent}
            onInput={(e) => set({ allocation_percent: input(e) })}
            class={INPUT}
          />
        </Field>
        <Field label="Goal (conversion)">
          <select
            name="metric_goal_id"
            id="experiment-goal"
            value={values.metric_goal_id}
            onChange={(e) => set({ metric_goal_id: (e.currentTarget as HTMLSelectElement).value })}
            class={INPUT}
          >
            <option value="">None: the metric event beside</option>
            {props.goals.map((g) => <option key={g.id} value={String(g.id)}>{g.label}</option>)}
          </select>
        </Field>
        <Field label="Metric (conversion event)">
          <input
            name="metric"
            maxLength={128}
            list="experiment-metrics"
            placeholder="purchase"
            value={values.metric}
            onInput={(e) => set({ metric: input(e) })}
            class={`${INPUT} font-mono`}
          />
          <datalist id="experiment-metrics">
            {props.metricTypes.map((type) => <option key={type} value={type} />)}
          </datalist>
        </Field>
        <Field label="Metric kind">
          <select
            name="metric_kind"
            value={values.metric_kind}
            onChange={(e) =>
              set({
                metric_kind: (e.currentTarget as HTMLSelectElement)
                  .value as ExperimentFormValues["metric_kind"],
              })}
            class={INPUT}
          >
            <option value="">Automatic</option>
            <option value="custom">Custom event — echelon.track(name)</option>
            <option value="event_type">Built-in event type</option>
          </select>
        </Field>
      </div>
      <p class="text-xs text-slate-500">
        A session converts when it sends the metric at or after its first exposure: a custom event
        whose name equals the metric (<code>echelon.track("purchase")</code>), or — when the metric
        is a built-in type such as <code>outbound</code>, <code>download</code> or{" "}
        <code>form_submit</code>{" "}
        — an event of that type. With a goal chosen instead, a session converts when it reaches the
        goal (a page goal's page, an event goal's event and properties, a scroll goal's depth) at or
        after its first exposure.
      </p>
      <Field label="Description (optional)">
        <textarea
          name="description"
          rows={2}
          maxLength={1024}
          value={values.description}
          onInput={(e) => set({ description: input(e) })}
          class={INPUT}
        />
      </Field>

      <fieldset class="min-w-0 space-y-2">
        <legend class={LABEL}>
          Variants ({values.variants.length}; {MIN_VARIANTS}–{MAX_VARIANTS}, one control)
        </legend>
        <div class="-mx-4 overflow-x-auto sm:mx-0">
          <table class="min-w-full text-left text-sm" id="experiment-variants">
            <thead class="text-xs uppercase tracking-wide text-slate-500">
              <tr>
                <th class="px-2 py-1 font-medium">Control</th>
                <th class="px-2 py-1 font-medium">Variant id</th>
                <th class="px-2 py-1 font-medium">Name</th>
                <th class="px-2 py-1 font-medium">Weight</th>
                <th class="px-2 py-1 font-medium">Config (JSON)</th>
                <th class="px-2 py-1"></th>
              </tr>
            </thead>
            <tbody>
              {values.variants.map((v, i) => (
                <tr key={i} data-variant-row={i}>
                  <td class="px-2 py-1 text-center">
                    <input
                      type="radio"
                      name="control"
                      value={String(i)}
                      checked={values.control === i}
                      onChange={() => set({ control: i })}
                      aria-label={`Variant ${i + 1} is the control`}
                    />
                  </td>
                  <td class="px-2 py-1">
                    <input
                      name="variant_id"
                      required
                      maxLength={128}
                      pattern="[A-Za-z0-9._\-]{1,128}"
                      value={v.variant_id}
                      onInput={(e) => setVariant(i, { variant_id: input(e) })}
                      aria-label={`Variant ${i + 1} id`}
                      class={`${INPUT} min-w-28 font-mono`}
                    />
                  </td>
                  <td class="px-2 py-1">
                    <input
                      name="variant_name"
                      maxLength={256}
                      value={v.name}
                      onInput={(e) => setVariant(i, { name: input(e) })}
                      aria-label={`Variant ${i + 1} name`}
                      class={`${INPUT} min-w-28`}
                    />
                  </td>
                  <td class="px-2 py-1">
                    <input
                      name="variant_weight"
                      type="number"
                      min="0.001"
                      step="any"
                      required
                      value={v.weight}
                      onInput={(e) => setVariant(i, { weight: input(e) })}
                      aria-label={`Variant ${i + 1} weight`}
                      class={`${INPUT} w-24`}
                    />
                  </td>
                  <td class="px-2 py-1">
                    <input
                      name="variant_config"
                      maxLength={4096}
                      placeholder='{"colour": "#0a0"}'
                      value={v.config}
                      onInput={(e) => setVariant(i, { config: input(e) })}
                      aria-label={`Variant ${i + 1} config`}
                      class={`${INPUT} min-w-40 font-mono`}
                    />
                  </td>
                  <td class="px-2 py-1">
                    <button
                      type="submit"
                      name="intent"
                      value={`remove_variant:${i}`}
                      formNoValidate
                      disabled={values.variants.length <= MIN_VARIANTS}
                      onClick={rowIntent(`remove_variant:${i}`)}
                      class={BUTTON_SMALL}
                      aria-label={`Remove variant ${i + 1}`}
                    >
                      Remove
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <button
          type="submit"
          name="intent"
          value="add_variant"
          id="add-variant"
          formNoValidate
          disabled={values.variants.length >= MAX_VARIANTS}
          onClick={rowIntent("add_variant")}
          class={BUTTON_SECONDARY}
        >
          Add a variant
        </button>
      </fieldset>

      <div class="flex flex-wrap gap-2">
        <button type="submit" name="intent" value="save" class={BUTTON}>
          {props.editing ? "Save draft" : "Create experiment"}
        </button>
        <a href={props.cancelHref} class={BUTTON_SECONDARY}>Cancel</a>
      </div>
    </form>
  );
}
