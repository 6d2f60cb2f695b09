// The code a site pastes to run an experiment: the tracker tag, `echelon.experiment(id, variants)`
// with the experiment's weights (the tracker assigns by them, deterministically per tab, and sends
// the exposure) and the conversion — `echelon.track(metric)` for a custom-event metric, or nothing
// to add for a built-in event type the tracker sends by itself.
import type { Experiment } from "./model.ts";

export function experimentSnippet(origin: string, experiment: Experiment): string {
  const variants = experiment.variants
    .map((v) => `    { id: ${JSON.stringify(v.variant_id)}, weight: ${v.weight} },`)
    .join("\n");
  const treatment = experiment.variants.find((v) => !v.is_control);
  const control = experiment.variants.find((v) => v.is_control)?.variant_id ?? "control";
  const conversion = experiment.metric_kind === "custom"
    ? [
      `// Where the visitor converts (a click handler, a thank-you page, …):`,
      `window.echelon?.track(${JSON.stringify(experiment.metric)});`,
    ]
    : [
      `// Conversions are the tracker's own "${experiment.metric}" events in the same tab session:`,
      `// nothing more to add.`,
    ];
  return [
    `<script src="${origin}/ea.js" data-site="${experiment.site_id}" defer></script>`,
    `<script type="module">`,
    `  // Deferred and module scripts run in order, after ea.js has defined window.echelon`,
    `  // (undefined only when the tracker was blocked: then everyone sees the control).`,
    `  const variant = window.echelon?.experiment(${JSON.stringify(experiment.experiment_id)}, [`,
    variants,
    `  ]) ?? ${JSON.stringify(control)};`,
    treatment
      ? `  if (variant === ${
        JSON.stringify(treatment.variant_id)
      }) {\n    // show this variant\n  }`
      : "",
    ...conversion.map((line) => `  ${line}`),
    `</script>`,
  ].filter((line) => line !== "").join("\n");
}
