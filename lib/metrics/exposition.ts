// Prometheus text exposition format 0.0.4
// (https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format): one HELP and
// TYPE line per family, then its samples; histograms as cumulative `_bucket{le=…}` series ending
// with `+Inf`, then `_sum` and `_count`. Label values are escaped as the format requires.
import type { HistogramSnapshot } from "./histogram.ts";

export const CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

export type Labels = Record<string, string>;

export interface Sample {
  labels?: Labels;
  value: number;
}

export type MetricFamily =
  | { name: string; help: string; type: "counter" | "gauge"; samples: Sample[] }
  | {
    name: string;
    help: string;
    type: "histogram";
    series: { labels?: Labels; histogram: HistogramSnapshot }[];
  };

/** A family of one sample. */
export function single(
  name: string,
  type: "counter" | "gauge",
  help: string,
  value: number,
  labels?: Labels,
): MetricFamily {
  return { name, help, type, samples: [{ labels, value }] };
}

export function renderExposition(families: readonly MetricFamily[]): string {
  const lines: string[] = [];
  for (const family of families) {
    lines.push(`# HELP ${family.name} ${escapeHelp(family.help)}`);
    lines.push(`# TYPE ${family.name} ${family.type}`);
    if (family.type !== "histogram") {
      for (const s of family.samples) lines.push(sampleLine(family.name, s.labels, s.value));
      continue;
    }
    for (const { labels = {}, histogram } of family.series) {
      histogram.bounds.forEach((bound, i) => {
        const le = { ...labels, le: formatValue(bound) };
        lines.push(sampleLine(`${family.name}_bucket`, le, histogram.cumulative[i]));
      });
      lines.push(sampleLine(`${family.name}_bucket`, { ...labels, le: "+Inf" }, histogram.count));
      lines.push(sampleLine(`${family.name}_sum`, labels, histogram.sum));
      lines.push(sampleLine(`${family.name}_count`, labels, histogram.count));
    }
  }
  return lines.join("\n") + "\n";
}

function sampleLine(name: string, labels: Labels | undefined, value: number): string {
  const pairs = labels ? Object.entries(labels) : [];
  const set = pairs.length
    ? `{${pairs.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(",")}}`
    : "";
  return `${name}${set} ${formatValue(value)}`;
}

export function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return String(value);
}

/** Label values escape backslash, double quote and line feed. */
function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

/** HELP text escapes backslash and line feed. */
function escapeHelp(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}
