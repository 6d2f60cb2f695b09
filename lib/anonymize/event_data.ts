// Event `data` of anonymised sites: only the keys each event type may keep (reference §8.1's
// table, extended to our tracker's own keys), with `path` mapped like the page path (the reference
// kept it raw), link hosts mapped like referrer hosts, link URLs cut to a mapped origin and path,
// experiment ids mapped like their columns and form values scrambled. Custom events and unknown types keep nothing: their props
// are the site's own payload, which anonymisation cannot vet.

/** Keys kept per event type; every type not listed keeps none. */
export const EVENT_DATA_ALLOWLIST: Readonly<Record<string, readonly string[]>> = {
  scroll_depth: ["depth", "path"],
  bounce: ["dwell", "trigger", "path"],
  session_end: ["dwell_s", "path"],
  session_resume: ["away_s", "bfcache", "path"],
  web_vital: ["metric", "value", "rating", "path"],
  click: ["tag", "path"],
  ad_click: ["tag", "path"],
  hover: ["tag", "path"],
  form_focus: ["tag", "input_type", "field_name", "form_id", "form_name", "path"],
  form_blur: [
    "tag",
    "input_type",
    "field_name",
    "form_id",
    "form_name",
    "value",
    "value_length",
    "path",
  ],
  form_submit: ["method", "id", "name", "label", "path"],
  outbound: ["host", "url", "path"],
  download: ["ext", "url", "path"],
  pageview_end: ["engaged_ms", "scroll_pct", "path"],
  exposure: ["experiment_id", "variant_id", "path"],
};

/** Kept strings are bounded (the kept keys hold short labels). */
const MAX_VALUE = 256;
/** Keys whose values are text carrying originals: kept only as strings, and mapped. */
const TEXT_KEYS = new Set(["path", "host", "url", "value", "experiment_id", "variant_id"]);

/** How the kept values that carry originals are rewritten (a day's mapping for one site). */
export interface EventDataMapper {
  path(path: string): string;
  /** A host name, mapped as referrer hosts are (the same real host, the same fictional one). */
  host(host: string): string;
  /** A link target reduced to a mapped origin and path (no query, no fragment). */
  url(url: string): string | null;
  formValue(value: string): string;
  experiment(experimentId: string): string;
  variant(experimentId: string | null, variantId: string): string;
}

/** The anonymised `data` of one event: allow-listed primitives only, originals mapped. */
export function anonymizeEventData(
  type: string,
  data: Record<string, unknown>,
  map: EventDataMapper,
): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const key of EVENT_DATA_ALLOWLIST[type] ?? []) {
    const value = data[key];
    if (typeof value !== "string" && TEXT_KEYS.has(key)) continue;
    if (typeof value === "number") {
      if (Number.isFinite(value)) kept[key] = value;
    } else if (typeof value === "boolean") {
      kept[key] = value;
    } else if (typeof value === "string") {
      const mapped = mapString(key, value.slice(0, MAX_VALUE * 8), data, map);
      if (mapped !== null) kept[key] = mapped;
    }
  }
  return kept;
}

function mapString(
  key: string,
  value: string,
  data: Record<string, unknown>,
  map: EventDataMapper,
): string | null {
  switch (key) {
    case "path":
      return value.startsWith("/") ? map.path(value) : null;
    case "host":
      return map.host(value);
    case "url":
      return map.url(value);
    case "value":
      return map.formValue(value.slice(0, MAX_VALUE));
    case "experiment_id":
      return map.experiment(value);
    case "variant_id":
      return map.variant(
        typeof data.experiment_id === "string" ? data.experiment_id : null,
        value,
      );
    default:
      return value.slice(0, MAX_VALUE);
  }
}
