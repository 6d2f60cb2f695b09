// Types of parse-prometheus-text-format 1.1.1 (the package ships none): prom2json's shapes.
export interface ParsedSample {
  value?: string;
  labels?: Record<string, string>;
  /** Histograms: cumulative counts by `le`. */
  buckets?: Record<string, string>;
  count?: string;
  sum?: string;
}
export interface ParsedFamily {
  name: string;
  help: string;
  type: "COUNTER" | "GAUGE" | "HISTOGRAM" | "SUMMARY" | "UNTYPED";
  metrics: ParsedSample[];
}
export default function parsePrometheusTextFormat(text: string): ParsedFamily[];
