// Which way is better for a metric, read from its unit, and how large a change of the latest value
// against the previous ones counts as a regression. Durations and sizes are lower-is-better,
// rates and ratios higher-is-better; a unit we cannot read (rows, %, count) gets no direction and
// is never flagged, because guessing would raise false alarms either way.

export type Direction = "lower" | "higher";

export interface UnitRule {
  kind: "time" | "size" | "rate" | "ratio";
  direction: Direction;
  /** A change beyond this many percent in the bad direction is a regression. */
  thresholdPct: number;
}

// Timings are noisy on shared CI machines, so they get 10 %; sizes are deterministic, so 5 % of
// growth is already real; throughput is as noisy as timings; a ratio against a baseline measured
// in the same run cancels the machine's noise, so 5 %.
const TIME: UnitRule = { kind: "time", direction: "lower", thresholdPct: 10 };
const SIZE: UnitRule = { kind: "size", direction: "lower", thresholdPct: 5 };
const RATE: UnitRule = { kind: "rate", direction: "higher", thresholdPct: 10 };
const RATIO: UnitRule = { kind: "ratio", direction: "higher", thresholdPct: 5 };

const TIME_UNITS = new Set(["ns", "µs", "μs", "us", "ms", "s", "sec", "secs", "seconds", "min"]);
// Case matters for sizes: "b" and "Mb" are bits (rates of links), not file sizes.
const SIZE_UNITS = new Set([
  "B",
  "byte",
  "bytes",
  "KB",
  "kB",
  "KiB",
  "MB",
  "MiB",
  "GB",
  "GiB",
]);
const RATIO_UNITS = new Set(["ratio", "x", "×", "score"]);

/**
 * The rule for a unit, or null when its direction is unknown. A duration per something
 * ("µs/token", "ms/op") is still a duration; anything else per second ("req/s", "hashes/s",
 * "ops/s", "rps") is a rate.
 */
export function unitRule(unit: string): UnitRule | null {
  const trimmed = unit.trim();
  const lower = trimmed.toLowerCase();
  const head = lower.split("/")[0];
  if (TIME_UNITS.has(head) || TIME_UNITS.has(trimmed.split("/")[0])) return TIME;
  if (SIZE_UNITS.has(trimmed) || lower === "bytes") return SIZE;
  if (lower === "rps" || lower === "qps" || /\/(s|sec|second)$/.test(lower)) return RATE;
  if (RATIO_UNITS.has(lower)) return RATIO;
  return null;
}
