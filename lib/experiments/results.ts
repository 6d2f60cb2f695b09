// An experiment's results: the counts the read `experimentResults` fetches (resultsQuery says
// which; lib/reads/registry.ts) run through the maths of ./stats.ts — per variant the rate, the uplift and the test against the control, plus the
// sample-ratio check and notes for the reader. The window is [started_at, ended_at] (now while it
// runs) minus the pauses, so a completed experiment's results no longer change and nothing sent
// while paused counts. Field names keep the contract's (impressions, conversion_rate,
// relative_uplift, significance) and add the rest.
import { formatDuration } from "../admin/format.ts";
import type { CountsQuery, ExperimentResultRows, PauseRecord } from "../store/experiments.ts";
import { BOT_SCORE_THRESHOLD } from "../bots/thresholds.ts";
import { describeGoal } from "../query/goals.ts";
import type { BotMode } from "../query/model.ts";
import type { Experiment } from "./model.ts";
import {
  MIN_SAMPLE,
  sampleRatioCheck,
  SIGNIFICANCE_LABELS,
  type SignificanceLevel,
  significanceLevel,
  SRM_P_THRESHOLD,
  twoProportionTest,
} from "./stats.ts";

export interface VariantResult {
  variant_id: string;
  name: string;
  is_control: boolean;
  weight: number;
  /** Exposed sessions (the contract's name; `exposures` says the same). */
  impressions: number;
  exposures: number;
  conversions: number;
  /** conversions ÷ exposures; 0 without exposures. */
  conversion_rate: number;
  /** (rate − control rate) ÷ control rate; null for the control and when the control's is 0. */
  relative_uplift: number | null;
  /** rate − control rate (absolute); null for the control. */
  difference: number | null;
  z: number | null;
  p_value: number | null;
  /** 95 % confidence interval of `difference`. */
  ci_low: number | null;
  ci_high: number | null;
  significance_level: SignificanceLevel;
  significance: string;
  /** p < 0.05 with enough data on both sides. */
  significant: boolean;
}

export interface SampleRatio {
  chi_square: number;
  df: number;
  p_value: number;
  expected: Record<string, number>;
  mismatch: boolean;
  threshold: number;
}

export interface ExperimentResults {
  experiment_id: string;
  name: string;
  status: string;
  site_id: string;
  metric_event_type: string;
  metric: string;
  metric_kind: string;
  /** The goal the metric names as it is now (metric_kind "goal"); null for an event metric and
   * for a deleted goal (then nothing converts). */
  goal: { id: number; name: string; kind: string; description: string } | null;
  /** Which rows counted: below the bot threshold (hide, the default), all (show), the rest (only). */
  bots: BotMode;
  bot_threshold: number;
  started_at: string | null;
  ended_at: string | null;
  /** The events counted: [from, to], both inclusive, minus `pauses`; null before the first start. */
  window: { from: string; to: string } | null;
  /**
   * Pauses, oldest first: events in [paused_at, resumed_at) do not count. resumed_at is null
   * while paused and when the experiment was completed from paused (nothing after it counts).
   */
  pauses: PauseRecord[];
  /** Time spent paused, in ms: an open pause until ended_at, or until now while paused. */
  paused_ms: number;
  exposures: number;
  conversions: number;
  /** Exposures tagged with a variant id the experiment does not define (not in `variants`). */
  unknown_variants: { variant_id: string; exposures: number; conversions: number }[];
  variants: VariantResult[];
  sample_ratio: SampleRatio | null;
  minimum_sample: number;
  notes: string[];
}

/** The events counted: [started_at, ended_at] (now while it runs); null before the first start. */
function resultsWindow(experiment: Experiment, now: number): { from: string; to: string } | null {
  return experiment.started_at === null ? null : {
    from: experiment.started_at,
    to: experiment.ended_at ?? new Date(now).toISOString(),
  };
}

/** The metric's rows: a goal's conversions, a custom event's name or a built-in type. */
function metricRows(experiment: Experiment): CountsQuery["metric"] {
  if (experiment.metric_goal_id !== null) return { goalId: experiment.metric_goal_id };
  return experiment.metric_kind === "custom"
    ? { eventType: "custom", eventName: experiment.metric }
    : { eventType: experiment.metric, eventName: null };
}

/**
 * The counts the results of `experiment` as of `now` are made from, over the rows the bot setting
 * keeps (default: hide, the scores below the threshold); null: none to read.
 */
export function resultsQuery(
  experiment: Experiment,
  now: number,
  bots: BotMode = "hide",
): CountsQuery | null {
  const window = resultsWindow(experiment, now);
  return window === null ? null : {
    experimentId: experiment.experiment_id,
    siteId: experiment.site_id,
    since: window.from,
    until: window.to,
    metric: metricRows(experiment),
    bots: { mode: bots, threshold: BOT_SCORE_THRESHOLD },
  };
}

/** Results of one experiment as of `now`, from the rows read for resultsQuery(experiment, now). */
export function experimentResults(
  experiment: Experiment,
  now: number,
  rows: ExperimentResultRows,
  bots: BotMode = "hide",
): ExperimentResults {
  const window = resultsWindow(experiment, now);
  const pauses = window === null ? [] : rows.pauses;
  const pausedMs = window === null ? 0 : pausedTime(pauses, window.to);
  const counts = window === null ? [] : rows.counts;
  const byId = new Map(counts.map((row) => [row.variant_id, row]));
  const defined = new Set(experiment.variants.map((v) => v.variant_id));
  const control = experiment.variants.find((v) => v.is_control) ?? experiment.variants[0];
  const controlCounts = {
    n: byId.get(control?.variant_id ?? "")?.exposures ?? 0,
    conversions: byId.get(control?.variant_id ?? "")?.conversions ?? 0,
  };
  const controlRate = controlCounts.n > 0 ? controlCounts.conversions / controlCounts.n : 0;

  const variants = experiment.variants.map((v): VariantResult => {
    const row = byId.get(v.variant_id);
    const n = row?.exposures ?? 0;
    const conversions = row?.conversions ?? 0;
    const rate = n > 0 ? conversions / n : 0;
    const base = {
      variant_id: v.variant_id,
      name: v.name,
      is_control: v.is_control,
      weight: v.weight,
      impressions: n,
      exposures: n,
      conversions,
      conversion_rate: rate,
    };
    if (v === control) {
      return {
        ...base,
        relative_uplift: null,
        difference: null,
        z: null,
        p_value: null,
        ci_low: null,
        ci_high: null,
        significance_level: "control",
        significance: SIGNIFICANCE_LABELS.control,
        significant: false,
      };
    }
    const mine = { n, conversions };
    const test = twoProportionTest(controlCounts, mine);
    const level = significanceLevel(test, controlCounts, mine);
    return {
      ...base,
      relative_uplift: controlCounts.n > 0 && controlRate > 0 && n > 0
        ? (rate - controlRate) / controlRate
        : null,
      difference: controlCounts.n > 0 && n > 0 ? test.difference : null,
      z: test.z,
      p_value: test.pValue,
      ci_low: test.ciLow,
      ci_high: test.ciHigh,
      significance_level: level,
      significance: level === "insufficient_data"
        ? `${SIGNIFICANCE_LABELS[level]} (${
          Math.min(controlCounts.n, n)
        } < ${MIN_SAMPLE} exposures)`
        : SIGNIFICANCE_LABELS[level],
      significant: level === "significant_95" || level === "significant_99",
    };
  });

  const srm = sampleRatioCheck(variants.map((v) => v.exposures), variants.map((v) => v.weight));
  const sampleRatio: SampleRatio | null = srm && {
    chi_square: srm.chiSquare,
    df: srm.df,
    p_value: srm.pValue,
    expected: Object.fromEntries(variants.map((v, i) => [v.variant_id, srm.expected[i]])),
    mismatch: srm.mismatch,
    threshold: SRM_P_THRESHOLD,
  };
  const unknown = counts.filter((row) => !defined.has(row.variant_id));
  return {
    experiment_id: experiment.experiment_id,
    name: experiment.name,
    status: experiment.status,
    site_id: experiment.site_id,
    metric_event_type: experiment.metric_event_type,
    metric: experiment.metric,
    metric_kind: experiment.metric_kind,
    goal: rows.goal && {
      id: rows.goal.id,
      name: rows.goal.name,
      kind: rows.goal.kind,
      description: describeGoal(rows.goal),
    },
    bots,
    bot_threshold: BOT_SCORE_THRESHOLD,
    started_at: experiment.started_at,
    ended_at: experiment.ended_at,
    window,
    pauses,
    paused_ms: pausedMs,
    exposures: variants.reduce((sum, v) => sum + v.exposures, 0),
    conversions: variants.reduce((sum, v) => sum + v.conversions, 0),
    unknown_variants: unknown,
    variants,
    sample_ratio: sampleRatio,
    minimum_sample: MIN_SAMPLE,
    notes: [
      ...resultNotes(experiment, variants, sampleRatio, unknown.length, { pauses, pausedMs }),
      ...countingNotes(experiment, window !== null && rows.goal === null, bots),
    ],
  };
}

/** Milliseconds spent paused, an open pause counted until `end` (the window's end). */
function pausedTime(pauses: readonly PauseRecord[], end: string): number {
  return pauses.reduce(
    (sum, p) => sum + Math.max(0, Date.parse(p.resumed_at ?? end) - Date.parse(p.paused_at)),
    0,
  );
}

function resultNotes(
  experiment: Experiment,
  variants: VariantResult[],
  srm: SampleRatio | null,
  unknownVariants: number,
  paused: { pauses: PauseRecord[]; pausedMs: number },
): string[] {
  const notes: string[] = [];
  if (experiment.started_at === null) {
    notes.push("Not started yet: results count events from the first start.");
  }
  const { pauses, pausedMs } = paused;
  if (pauses.length > 0) {
    notes.push(
      `Paused ${pauses.length === 1 ? "once" : `${pauses.length} times`} for ${
        formatDuration(pausedMs)
      } in total; exposures and conversions during pauses are not counted.`,
    );
  }
  const open = pauses.at(-1)?.resumed_at === null ? pauses.at(-1) : undefined;
  if (experiment.status === "paused") {
    notes.push(
      `Paused${open ? ` since ${open.paused_at.slice(0, 16).replace("T", " ")} UTC` : ""}: ` +
        "the tracker keeps assigning visitors and sending their events, but nothing counts " +
        "until the experiment is resumed.",
    );
  } else if (open) {
    notes.push("Completed while paused: nothing after the pause counts.");
  }
  const small = variants.filter((v) => v.exposures < MIN_SAMPLE);
  if (experiment.started_at !== null && small.length > 0) {
    notes.push(
      `Fewer than ${MIN_SAMPLE} exposures in ${
        small.map((v) => v.variant_id).join(", ")
      }: too little data to trust the test yet.`,
    );
  }
  if (srm?.mismatch) {
    notes.push(
      `Sample ratio mismatch (χ² = ${srm.chi_square.toFixed(2)}, p = ${
        srm.p_value.toExponential(2)
      }): the exposures do not split as the weights say. Check that every variant sends its ` +
        `exposure and that the page passes the same weights; do not trust the comparison.`,
    );
  }
  const treatments = variants.length - 1;
  if (treatments > 1) {
    notes.push(
      `${treatments} variants are each compared with the control; to keep a 5% overall false ` +
        `positive rate, require p < ${(0.05 / treatments).toPrecision(2)} (Bonferroni).`,
    );
  }
  if (unknownVariants > 0) {
    notes.push(
      `${unknownVariants} variant id(s) seen in events are not defined in this experiment and ` +
        `are not compared.`,
    );
  }
  return notes;
}

/** What counted: a deleted goal, and traffic other than the human default. */
function countingNotes(experiment: Experiment, goalMissing: boolean, bots: BotMode): string[] {
  const notes: string[] = [];
  if (experiment.metric_goal_id !== null && goalMissing) {
    notes.push(
      `The goal #${experiment.metric_goal_id} this experiment measures no longer exists: ` +
        "nothing counts as a conversion.",
    );
  }
  if (bots === "show") {
    notes.push("Bots shown: exposures and conversions of every bot score count.");
  } else if (bots === "only") {
    notes.push(
      `Bots only: only exposures and conversions scored ${BOT_SCORE_THRESHOLD} or more count.`,
    );
  }
  return notes;
}
