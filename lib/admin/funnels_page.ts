// The Funnels page (routes/admin/sites/[id]/funnels.tsx): each stored funnel of a site over the
// selected period under the dashboard's filters and bot setting (the `funnel` read, lib/query/
// funnels.ts), and its form's steps — one per line: a page (`/pricing`, `/blog/**`) or a custom
// event (`signup`, with property values `signup plan=pro`), an optional label after ` as `.
import type { FunnelResult, FunnelStep } from "../query/funnels.ts";
import type { Filter, Query } from "../query/model.ts";
import { resolveQuery } from "../query/model.ts";
import type { Reader } from "../reads/mod.ts";
import { isRefusedRead } from "../reads/refusals.ts";
import type { FunnelRecord } from "../store/funnels.ts";
import type { Period } from "./period.ts";

/** At most this many funnels are computed on one page load (each is a heavy read). */
export const MAX_FUNNELS_SHOWN = 20;

export type FunnelFigures = FunnelResult | { unavailable: string };

/** The rows a site's funnels count: its views and events over the period under `view`. */
export function funnelsQuery(
  siteId: string,
  period: Pick<Period, "from" | "to" | "timeZone">,
  now: number,
  view: { filter: Filter | null; bots?: Query["bots"] },
): Query {
  const query = resolveQuery({
    site_id: siteId,
    metrics: ["visitors"],
    date_range: [period.from, period.to],
    timezone: period.timeZone,
  }, now);
  return { ...query, filter: view.filter, bots: view.bots ?? query.bots };
}

/** Each funnel's figures (or why they are missing: a refused heavy read). */
export async function loadFunnels(
  reads: Reader,
  funnels: readonly FunnelRecord[],
  query: Query,
): Promise<FunnelFigures[]> {
  const out: FunnelFigures[] = [];
  for (const f of funnels.slice(0, MAX_FUNNELS_SHOWN)) {
    try {
      out.push(await reads.run("funnel", query, { steps: f.steps, order: f.order, per: f.per }));
    } catch (error) {
      if (!isRefusedRead(error)) throw error;
      out.push({ unavailable: error.message });
    }
  }
  return out;
}

/** A stored funnel's steps as the form's lines. */
export function stepLines(steps: readonly FunnelStep[]): string {
  return steps.map((s) => {
    const what = s.page !== undefined
      ? s.page
      : [s.event_name, ...Object.entries(s.props ?? {}).map(([k, v]) => `${k}=${v}`)].join(" ");
    return s.label ? `${what} as ${s.label}` : what;
  }).join("\n");
}

/** The form's lines as steps (checked afterwards as POST /api/funnels checks them). */
export function parseStepLines(text: string): FunnelStep[] {
  return text.split("\n").map((line) => line.trim()).filter(Boolean).map((line) => {
    const at = line.indexOf(" as ");
    const label = at >= 0 ? line.slice(at + 4).trim() : undefined;
    const what = (at >= 0 ? line.slice(0, at) : line).trim();
    const step: FunnelStep = label ? { label } : {};
    if (what.startsWith("/")) return { ...step, page: what };
    const [name, ...pairs] = what.split(/\s+/);
    const props = Object.fromEntries(pairs.map((p) => {
      const eq = p.indexOf("=");
      return eq < 0 ? [p, ""] : [p.slice(0, eq), p.slice(eq + 1)];
    }));
    return { ...step, event_name: name, ...(pairs.length ? { props } : {}) };
  });
}
