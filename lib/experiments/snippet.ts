// The code a site pastes to run an experiment: the tracker tag, `echelon.experiment(id, variants)`
// with the experiment's weights (the tracker assigns by them, deterministically per tab, and sends
// the exposure) — or, with an allocation below 100 %, `await echelon.experiment(id)`, which fetches
// the weights and the allocation from the server — and the conversion: `echelon.track(metric)` for
// a custom-event metric, nothing to add for a built-in event type or a goal.
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
    : experiment.metric_goal_id !== null
    ? [
      `// Conversions are reaching the site's goal #${experiment.metric_goal_id} (its page, event`,
      `// or scroll depth) in the same tab session: nothing more to add.`,
    ]
    : [
      `// Conversions are the tracker's own "${experiment.metric}" events in the same tab session:`,
      `// nothing more to add.`,
    ];
  const id = JSON.stringify(experiment.experiment_id);
  const assignment = experiment.allocation_percent < 100
    ? [
      `  // The tracker fetches the weights and enrols ${experiment.allocation_percent}% of tab sessions;`,
      `  // the others get "" (show the control) and send no exposure.`,
      `  const variant = await (window.echelon?.experiment(${id}) ?? ${JSON.stringify(control)});`,
    ]
    : [
      `  const variant = window.echelon?.experiment(${id}, [`,
      variants,
      `  ]) ?? ${JSON.stringify(control)};`,
    ];
  return [
    `<script src="${origin}/ea.js" data-site="${experiment.site_id}" defer></script>`,
    `<script type="module">`,
    `  // Deferred and module scripts run in order, after ea.js has defined window.echelon`,
    `  // (undefined only when the tracker was blocked: then everyone sees the control).`,
    ...assignment,
    treatment
      ? `  if (variant === ${
        JSON.stringify(treatment.variant_id)
      }) {\n    // show this variant\n  }`
      : "",
    ...conversion.map((line) => `  ${line}`),
    `</script>`,
  ].filter((line) => line !== "").join("\n");
}
