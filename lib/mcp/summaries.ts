// One-line summaries of the MCP tools' results: the sentence an assistant can quote before it
// reads the JSON. They read the API's JSON defensively (a stdio server may talk to an older or
// newer instance): a missing field shows as "?" instead of failing the tool.

// deno-lint-ignore no-explicit-any
type Json = any;

const n = (value: unknown): string =>
  typeof value === "number" && Number.isFinite(value) ? value.toLocaleString("en-US") : "?";
const list = (value: unknown): Json[] => (Array.isArray(value) ? value : []);
const pct = (value: unknown): string => (typeof value === "number" ? `${value} %` : "?");
/** A change in percent; without a previous value, "new" (or "±0" when both are 0). */
function signed(change: Json): string {
  const value = change?.change_pct;
  if (typeof value !== "number") return change?.current ? "new" : "±0";
  return `${value > 0 ? "+" : value === 0 ? "±" : ""}${value} %`;
}

function period(data: Json): string {
  return data?.from && data?.to ? `${data.from}..${data.to}` : "the period";
}

function filterText(filters: Json): string {
  const entries = Object.entries(filters ?? {}).filter(([, v]) => v !== undefined);
  return entries.length ? ` where ${entries.map(([k, v]) => `${k}=${v}`).join(", ")}` : "";
}

function top<T>(rows: T[], count: number, show: (row: T) => string): string {
  const shown = rows.slice(0, count).map(show).join(", ");
  return rows.length > count ? `${shown}, …` : shown;
}

export function overview(data: Json): string {
  const pages = list(data?.top_paths);
  return `${data?.site_id}, ${period(data)}${filterText(data?.filters)}: ` +
    `${n(data?.visits)} page views, ${n(data?.unique_visitors)} visitors, ` +
    `${n(data?.sessions)} sessions, bounce rate ${pct(data?.bounce_rate)}` +
    (pages.length ? `; top page ${pages[0].path} (${n(pages[0].views)} views)` : "");
}

export function realtime(data: Json): string {
  const paths = list(data?.active_paths);
  return `${data?.site_id}: ${n(data?.active_visitors)} active visitors and ` +
    `${n(data?.pageviews)} page views in the last ${n(data?.window_minutes)} minutes` +
    (paths.length ? `; busiest page ${paths[0].path}` : "");
}

export function dashboard(data: Json): string {
  const sum = (buckets: Json) => list(buckets).reduce((s, b) => s + (Number(b?.count) || 0), 0);
  return `${data?.site_id}: ${n(data?.now?.activeVisitors)} visitors now ` +
    `(~${n(data?.now?.estimatedBots)} bots), ${n(sum(data?.hourly?.views))} page views in the ` +
    `last hour, ${n(sum(data?.daily?.views))} in the last 24 hours`;
}

export function campaignList(data: Json): string {
  const rows = list(data);
  if (rows.length === 0) return "No registered campaigns.";
  const best = [...rows].sort((a, b) => (b.visitors ?? 0) - (a.visitors ?? 0))[0];
  return `${rows.length} campaign${rows.length === 1 ? "" : "s"}; most visitors: ${best.name} ` +
    `(utm_campaign=${best.utm_campaign}, ${n(best.visitors)} visitors, ${n(best.views)} views)`;
}

export function campaignDetail(data: Json): string {
  const sources = list(data?.bySource);
  return `${data?.campaign?.name ?? data?.campaign_id} (utm_campaign=` +
    `${data?.campaign?.utm_campaign}), ${period(data?.period)}: ${n(data?.views)} views, ` +
    `${n(data?.visitors)} visitors, ${n(data?.conversions)} conversions ` +
    `(${pct(data?.conversion_rate)})` +
    (sources.length ? `; top source ${sources[0].utm_source}` : "");
}

export function campaignEvents(data: Json): string {
  const rows = list(data);
  if (rows.length === 0) return "No campaign traffic in the period.";
  return `${rows.length} utm_campaign value${rows.length === 1 ? "" : "s"}: ` +
    top(rows, 3, (r) =>
      `${r.utm_campaign ?? "organic"} ${n(r.visitors)} visitors, ` +
      `${pct(r.event_rate)} with events`);
}

export function experimentResults(data: Json): string {
  const rows = list(data);
  if (rows.length === 0) return "No active or completed experiments.";
  return `${rows.length} experiment${rows.length === 1 ? "" : "s"}: ` +
    top(rows, 3, (e) => {
      const winner = list(e.variants).find((v) => !v.is_control && v.significant);
      return `${e.experiment_id} (${e.status}, ${n(e.exposures)} exposures, ` +
        `${n(e.conversions)} conversions${e.goal ? ` of the goal ${e.goal.name}` : ""}${
          winner ? `, ${winner.variant_id} significant at p=${winner.p_value}` : ""
        })`;
    });
}

export function experimentList(data: Json): string {
  const rows = list(data);
  if (rows.length === 0) return "No experiments.";
  const byStatus = new Map<string, number>();
  for (const e of rows) byStatus.set(e.status, (byStatus.get(e.status) ?? 0) + 1);
  return `${rows.length} experiment${rows.length === 1 ? "" : "s"} (` +
    [...byStatus].map(([status, count]) => `${count} ${status}`).join(", ") + ")";
}

export function botReport(data: Json, minScore: number): string {
  const bots = list(data?.known_bots);
  const hits = bots.reduce((s, b) => s + (Number(b?.hits) || 0), 0);
  const suspicious = list(data?.suspicious_visitors);
  return `${data?.site_id ?? "All sites"}, last ${n(data?.days)} days: ${n(hits)} known-bot ` +
    `hits from ${bots.length} bot${bots.length === 1 ? "" : "s"}` +
    (bots.length ? ` (most: ${bots[0].bot_name}, ${n(bots[0].hits)})` : "") +
    (data?.suspicious_visitors === null
      ? "; suspicious visitors are not shown on a public instance"
      : `; ${suspicious.length} suspicious visitor${suspicious.length === 1 ? "" : "s"} ` +
        `(score ≥ ${minScore})`);
}

export function topPages(data: Json): string {
  const pages = list(data?.pages);
  if (pages.length === 0) {
    return `No page views for ${data?.site_id}, ${period(data)}${filterText(data?.filters)}.`;
  }
  return `Top ${pages.length} page${pages.length === 1 ? "" : "s"} of ${data?.site_id}, ` +
    `${period(data)}${filterText(data?.filters)}: ` +
    top(pages, 5, (p) => `${p.path} (${n(p.views)})`);
}

export function comparison(data: Json): string {
  const c = data?.changes ?? {};
  const show = (label: string, key: string, unit = "") =>
    c[key]
      ? `${label} ${n(c[key].current)}${unit} vs ${n(c[key].previous)}${unit} ` +
        `(${signed(c[key])})`
      : "";
  return `${data?.site_id}, ${period(data?.current)} vs ${period(data?.previous)}` +
    `${filterText(data?.filters)}: ` +
    [
      show("visits", "visits"),
      show("visitors", "unique_visitors"),
      show("sessions", "sessions"),
      show("bounce rate", "bounce_rate", " %"),
    ].filter(Boolean).join(", ");
}

/** A page of sites; a full page (`pageSize` rows) may have more after it. */
export function sites(data: Json, pageSize: number): string {
  const rows = list(data);
  if (rows.length === 0) return "No sites found.";
  const more = rows.length >= pageSize
    ? ` More may follow: call again with after="${rows[rows.length - 1].site_id}".`
    : "";
  return `${rows.length} site${rows.length === 1 ? "" : "s"}: ` +
    top(rows, 5, (s) => `${s.site_id} (${n(s.views_30d)} views in 30 days)`) + more;
}

export function query(data: Json): string {
  const q = data?.query ?? {};
  const rows = list(data?.results);
  const range = list(q.date_range).map((t) => String(t).slice(0, 10)).join("..");
  const sites = Array.isArray(q.site_id) ? q.site_id.join(", ") : q.site_id;
  const by = list(q.dimensions).length ? ` by ${list(q.dimensions).join(", ")}` : "";
  const head = `${sites}, ${range || "the period"}: ${list(q.metrics).join(", ")}${by}`;
  if (rows.length === 0) return `${head}: no rows`;
  const show = (row: Json) =>
    (list(row?.dimensions).length ? `${list(row.dimensions).join(" / ")} ` : "") +
    list(row?.metrics).map((m) => (m === null ? "–" : n(m))).join(", ");
  const more = typeof data?.meta?.total_rows === "number" ? ` of ${n(data.meta.total_rows)}` : "";
  return `${head}: ${rows.length}${more} row${rows.length === 1 ? "" : "s"}; ${top(rows, 3, show)}`;
}

export function annotations(data: Json, siteId: string): string {
  if (data === null) return `${siteId}: a public instance does not list annotations`;
  const notes = list(data);
  if (notes.length === 0) return `${siteId}: no annotations in the period`;
  return `${siteId}: ${n(notes.length)} annotation${notes.length === 1 ? "" : "s"}: ` +
    top(notes, 3, (note: Json) => `${note?.day} ${JSON.stringify(note?.text ?? "")}`);
}

export function goals(data: Json, siteId: string): string {
  if (data === null) return `${siteId}: a public instance does not list goals`;
  const rows = list(data);
  if (rows.length === 0) return `${siteId}: no goals`;
  return `${siteId}: ${n(rows.length)} goal${rows.length === 1 ? "" : "s"}: ` +
    top(rows, 5, (g: Json) => `${g?.name} (${g?.kind})`) +
    '. Count them with the query tool: dimensions ["event:goal"], metrics conversions, ' +
    "unique_conversions, conversion_rate.";
}

export function funnel(data: Json): string {
  const steps = list(data?.steps);
  if (steps.length === 0) return "No funnel steps.";
  const per = data?.query?.funnel?.per === "visitor" ? "visitors" : "visits";
  return `Funnel (${per}): ` +
    steps.map((s: Json) => `${s?.label} ${n(s?.visitors)} (${s?.conversion_rate}%)`).join(" → ");
}

/** A journey: its visits and each step's most common page. */
export function journeys(data: Json): string {
  const meta = data?.meta ?? {};
  const nodes = list(data?.nodes);
  const head = `${meta.direction === "previous" ? "To" : "From"} ${meta.page}`;
  if (nodes.length === 0) return `${head}: no visits`;
  const steps = [...new Set(nodes.map((node: Json) => node.step))].filter((s) => s !== 0);
  const tops = steps.map((step) => {
    const first = nodes.find((node: Json) => node.step === step);
    return `step ${step}: ${first.label} ${n(first.visits)}`;
  });
  return `${head}: ${n(meta.visits)} visits; ${tops.join("; ")}`;
}
