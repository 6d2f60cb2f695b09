// /admin/journeys: from a chosen page (or to it), the pages visits went on to (came from), up to
// five steps, as a Sankey diagram drawn on the server with its figures as tables (issue 17). One
// site, the dashboard's period, filters (`f`) and bots from the URL; the page is picked from the
// site's top pages or typed; a GET form, so it works without JavaScript and reads the same in
// public mode (nothing here writes). Both questions go to the query engine (lib/admin/journeys.ts).
import { AdminShell } from "../../components/AdminShell.tsx";
import { JourneySankey } from "../../components/JourneySankey.tsx";
import { BUTTON, Card, Field, HiddenFields, INPUT, LINK, Notice } from "../../components/ui.tsx";
import { pageSite } from "../../lib/admin/dashboard.ts";
import { BOTS_PARAM, type DashboardFilters, dashboardHref } from "../../lib/admin/filters.ts";
import { type AdminFrame, loadAdminFrame } from "../../lib/admin/frame.ts";
import {
  type JourneyChoice,
  journeysHref,
  parseJourneyChoice,
  topPagesQuery,
  visitsQuery,
} from "../../lib/admin/journeys.ts";
import { liveFilterLabels } from "../../lib/admin/live_panel.ts";
import { selectionParams } from "../../lib/admin/period.ts";
import { siteFilters } from "../../lib/admin/site_filters.ts";
import { page, type PageProps } from "../../lib/fresh/mod.ts";
import {
  type JourneyResult,
  MAX_JOURNEY_DEPTH,
  MAX_JOURNEY_WIDTH,
} from "../../lib/query/journeys.ts";
import { readerFor } from "../../lib/reads/caller.ts";
import type { Ctx, State } from "../../lib/state.ts";

type Data =
  & { frame: AdminFrame }
  & (
    | {
      kind: "site";
      site: string;
      filters: DashboardFilters;
      choice: JourneyChoice;
      topPages: string[];
      /** Null when the site has no page view in the period to start from. */
      journey: JourneyResult | null;
    }
    | { kind: "none" }
  );

export const handler = {
  async GET(ctx: Ctx) {
    const frame = loadAdminFrame(ctx);
    const site = pageSite(frame.selection, frame.sites);
    if (site === null) return page<Data>({ frame, kind: "none" });
    const { filters } = await siteFilters(
      ctx.state.services.store.segments,
      frame,
      site,
      ctx.url.searchParams,
    );
    const reads = readerFor(ctx);
    const visits = visitsQuery(site, frame.selection.period, filters);
    const top = await reads.run("query", topPagesQuery(visits));
    const topPages = top.results.map((r) => r.dimensions[0]);
    const asked = parseJourneyChoice(ctx.url.searchParams);
    // No page chosen: the most visited one.
    const choice = { ...asked, page: asked.page || topPages[0] || "" };
    const journey = choice.page === ""
      ? null
      : await reads.run("journeys", { query: visits, ...choice });
    return page<Data>({ frame, kind: "site", site, filters, choice, topPages, journey });
  },
};

export default function JourneysPage({ data }: PageProps<Data, State>) {
  const { frame } = data;
  const period = frame.selection.period;
  return (
    <AdminShell
      title="Journeys"
      frame={frame}
      subtitle={data.kind === "site"
        ? `${data.site} · ${period.label} (${period.from} – ${period.to}, ${period.timeZone})`
        : "Pick a site"}
    >
      {data.kind === "none"
        ? (
          <Notice tone="info">
            Journeys are per site: pick one above. They start from one of its pages and follow its
            visits from there.
          </Notice>
        )
        : <SiteJourneys data={data} />}
    </AdminShell>
  );
}

function SiteJourneys(props: { data: Extract<Data, { kind: "site" }> }) {
  const { frame, filters, choice, topPages, journey, site } = props.data;
  const selection = { ...frame.selection, site };
  const labels = liveFilterLabels(filters);
  const raws = filters.items.map((i) => i.raw);
  const next = choice.direction === "next";
  return (
    <>
      {filters.errors.length > 0 && (
        <Notice tone="error">
          <ul id="filter-errors" class="list-inside list-disc space-y-1">
            {filters.errors.map((error) => <li key={error}>{error}</li>)}
          </ul>
        </Notice>
      )}
      <Card
        title="Journey"
        subtitle={labels.length
          ? `Visits under the dashboard's filters: ${labels.join(", ")}.`
          : "Every visit of the period (bots hidden), as on the dashboard."}
      >
        <form method="get" action="/admin/journeys" id="journey-form" class="space-y-3">
          <HiddenFields params={selectionParams(selection)} />
          {filters.bots !== "hide" && (
            <input
              type="hidden"
              name={BOTS_PARAM}
              value={filters.bots}
            />
          )}
          <div class="grid grid-cols-2 items-end gap-3 sm:grid-cols-3 lg:grid-cols-6">
            <div class="col-span-2">
              <Field label="Page">
                <input
                  name="page"
                  value={choice.page}
                  list="journey-pages"
                  maxLength={512}
                  placeholder="/pricing"
                  class={`${INPUT} font-mono`}
                />
              </Field>
              <datalist id="journey-pages">
                {topPages.map((p) => <option key={p} value={p} />)}
              </datalist>
            </div>
            <Field label="Direction">
              <select name="direction" class={INPUT}>
                <option value="next" selected={next}>Next pages</option>
                <option value="previous" selected={!next}>Previous pages</option>
              </select>
            </Field>
            <Field label="Visits">
              <select name="mode" class={INPUT}>
                <option value="any" selected={choice.mode === "any"}>Viewing the page</option>
                <option value="entry" selected={choice.mode === "entry"}>
                  {next ? "Entering on it" : "Leaving from it"}
                </option>
              </select>
            </Field>
            <CountField label="Steps" name="depth" max={MAX_JOURNEY_DEPTH} value={choice.depth} />
            <CountField
              label="Pages per step"
              name="width"
              max={MAX_JOURNEY_WIDTH}
              value={choice.width}
            />
          </div>
          <div class="flex flex-wrap items-center gap-3">
            <button type="submit" class={BUTTON}>Show</button>
            <a class={LINK} href={dashboardHref(selection, raws, filters.bots)}>
              Dashboard and its filters
            </a>
          </div>
        </form>
        {topPages.length > 0 && (
          <p id="journey-top-pages" class="mt-3 flex flex-wrap gap-x-3 gap-y-1 text-sm">
            <span class="text-slate-500">Top pages:</span>
            {topPages.map((p) => (
              <a
                key={p}
                class={`${LINK} font-mono`}
                href={journeysHref(selection, filters.bots, { ...choice, page: p })}
              >
                {p}
              </a>
            ))}
          </p>
        )}
      </Card>
      <Card
        title={`${next ? "From" : "To"} ${choice.page || "…"}`}
        subtitle={next
          ? "The pages visits went on to, step by step; a page viewed again at once counts once."
          : "The pages visits came from, step by step back; a page viewed again at once counts once."}
      >
        {journey === null || journey.meta.visits === 0
          ? (
            <p id="journey-empty" class="text-sm text-slate-500">
              {journey === null
                ? "No page views in this period."
                : `No visit ${
                  choice.mode === "entry" ? (next ? "entered on" : "left from") : "viewed"
                } ${choice.page} in this period.`}
            </p>
          )
          : <JourneySankey journey={journey} />}
      </Card>
    </>
  );
}

/** A choice of 1 to `max`. */
function CountField(props: { label: string; name: string; max: number; value: number }) {
  return (
    <Field label={props.label}>
      <select name={props.name} class={INPUT}>
        {Array.from({ length: props.max }, (_, i) => i + 1).map((n) => (
          <option key={n} value={n} selected={props.value === n}>{n}</option>
        ))}
      </select>
    </Field>
  );
}
