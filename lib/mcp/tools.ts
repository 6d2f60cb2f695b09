// The MCP tools, one list shared by both transports (mcp/stdio.ts and routes/mcp.ts): the nine
// of the contract (reference §8.5) plus bot_report, top_pages, compare_periods and list_sites —
// what people ask an assistant about their traffic — and `query`, the Stats API v2 query engine
// (POST /api/v2/query, which only reads). Every other tool only GETs /api/* through an ApiClient; the API validates the values (its 400 message comes back as a tool error), zod
// checks the shapes first. A result is a one-line summary, a blank line and the pretty JSON.
import type { CallToolResult, McpServer } from "./sdk.ts";
import { z } from "zod";
import type { ApiClient, QueryValue } from "./client.ts";
import * as summary from "./summaries.ts";
import { DELTA_KEYS, type DeltaKey, deltas } from "../stats/change.ts";
import { NOT_PUBLIC } from "../public/refusal.ts";
import { QUERY_PATH } from "../api/operations/query.ts";
import { FUNNEL_PATH } from "../api/operations/funnels.ts";
import { FUNNEL_QUERY_BODY } from "../query/funnels.ts";
import { JOURNEYS_PATH } from "../api/operations/journeys.ts";
import { JOURNEY_BODY } from "../query/journeys.ts";
import { FILTER_OPERATORS, QUERY_BODY } from "../query/model.ts";
import { DIMENSIONS, PROP_PREFIX } from "../query/dimensions.ts";
import { METRICS } from "../query/metrics.ts";

// ---------------------------------------------------------------------------------------------
// Parameter shapes

const siteId = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,64}$/, "a site id: 1-64 of A-Z a-z 0-9 . _ -")
  .describe('Site id (the data-site of the script tag), e.g. "my-site"; list_sites shows them');
const optionalSiteId = siteId.optional().describe("Only this site (default: every site)");
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "a YYYY-MM-DD date");
const text = (max: number) => z.string().min(1).max(max);

const RANGE = {
  days: z.number().int().min(1).max(730).optional().describe(
    "The last N UTC days, today included (default 30). Use either days or from/to.",
  ),
  from: day.optional().describe("First UTC day of the period (YYYY-MM-DD), inclusive"),
  to: day.optional().describe("Last UTC day of the period, inclusive (default: today)"),
};

const FILTERS = {
  path: text(512).optional().describe('Only this exact path, e.g. "/pricing"'),
  path_contains: text(512).optional().describe('Only paths containing this text, e.g. "/blog/"'),
  country: z.string().regex(/^([A-Za-z]{2}|unknown)$/, "a two-letter country code or unknown")
    .optional().describe('ISO country code, e.g. "FI" ("unknown" for no country)'),
  device: text(32).optional().describe('Device type: "desktop", "mobile", "tablet" or "unknown"'),
  referrer: text(512).optional().describe(
    'Referrer domain, e.g. "google.com" ("direct" for visits without a referrer)',
  ),
  utm_source: text(256).optional().describe("utm_source value"),
  utm_medium: text(256).optional().describe("utm_medium value"),
  utm_campaign: text(256).optional().describe("utm_campaign value"),
};
/** The query engine's filters and bot setting on the overview (GET /api/stats/overview). */
const ENGINE_FILTERS = {
  filters: z.array(z.unknown()).max(20).optional().describe(
    "Query engine filters in POST /api/v2/query's syntax, ANDed with the named filters: e.g. " +
      '[["is", "visit:country", ["DE"]], ["not", ["contains", "event:page", ["/blog"]]]]; ' +
      `operators ${FILTER_OPERATORS.join(", ")}, and, or, not; dimensions ` +
      `${DIMENSIONS.filter((d) => d.level !== "time").map((d) => d.key).join(", ")}, ` +
      `${PROP_PREFIX}<key>; a saved segment ["is", "segment", [<id>]]`,
  ),
  bots: z.enum(["hide", "show", "only"]).optional().describe(
    "hide (default) counts people; show counts bots too; only counts the bots alone",
  ),
};
type Filters = { [K in keyof typeof FILTERS]?: string } & {
  filters?: unknown[];
  bots?: "hide" | "show" | "only";
};
const FILTER_KEYS = [...Object.keys(FILTERS), ...Object.keys(ENGINE_FILTERS)] as (keyof Filters)[];

/** A tool's arguments as query values: the engine filters as their JSON text. */
function queryOf(args: Record<string, unknown>): Record<string, QueryValue> {
  return Object.fromEntries(
    Object.entries(args).map(([k, v]) => [k, Array.isArray(v) ? JSON.stringify(v) : v]),
  ) as Record<string, QueryValue>;
}

/** Sites per list_sites call unless asked otherwise (the API pages its list). */
const LIST_SITES_LIMIT = 100;

const campaignIdParam = text(128).describe("Campaign id (list_campaigns shows them)");
const campaignStatus = z.enum(["active", "paused", "archived"]);
const experimentStatus = z.enum(["draft", "active", "paused", "completed", "archived"]);

// ---------------------------------------------------------------------------------------------
// Calling the API

/** The API refused (or could not be reached): becomes the tool's error text. */
class ApiFailure extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(
      status === 0 ? `Echelon is unreachable: ${message}` : `API ${status} ${code}: ${message}`,
    );
  }
}

async function get(
  client: ApiClient,
  path: string,
  query: Record<string, QueryValue> = {},
): Promise<unknown> {
  const result = await client.get(path, query);
  if (!result.ok) throw new ApiFailure(result.status, result.error, result.message);
  return result.data;
}

async function postRead(client: ApiClient, path: string, body: unknown): Promise<unknown> {
  const result = await client.postRead(path, body);
  if (!result.ok) throw new ApiFailure(result.status, result.error, result.message);
  return result.data;
}

/** GET, or null when a public instance does not show it (403 not_public). */
async function getUnlessNotPublic(
  client: ApiClient,
  path: string,
  query: Record<string, QueryValue> = {},
): Promise<unknown> {
  try {
    return await get(client, path, query);
  } catch (error) {
    if (error instanceof ApiFailure && error.code === NOT_PUBLIC) return null;
    throw error;
  }
}

function pickFilters(args: Filters): Filters {
  const picked: Record<string, unknown> = {};
  for (const key of FILTER_KEYS) if (args[key] !== undefined) picked[key] = args[key];
  return picked as Filters;
}

// ---------------------------------------------------------------------------------------------
// The tools

interface ToolOutput {
  summary: string;
  data: unknown;
}

interface ToolDefinition {
  name: string;
  title: string;
  description: string;
  /** The arguments' shape, or a whole object schema (`query` takes the API's own body schema). */
  input: z.ZodRawShape | z.ZodObject;
  // deno-lint-ignore no-explicit-any
  run(client: ApiClient, args: any): Promise<ToolOutput>;
}

/** Keeps each definition's argument type checked against its own shape. */
function tool<S extends z.ZodRawShape>(def: {
  name: string;
  title: string;
  description: string;
  input: S;
  run(client: ApiClient, args: z.infer<z.ZodObject<S>>): Promise<ToolOutput>;
}): ToolDefinition {
  return def;
}

type Headline = Record<DeltaKey, number> & { from: string; to: string };

function headlineOf(o: Record<string, unknown>): Headline {
  const picked: Record<string, unknown> = { from: o.from, to: o.to };
  for (const key of DELTA_KEYS) picked[key] = typeof o[key] === "number" ? o[key] : 0;
  return picked as Headline;
}

/** A tool that is one GET of the API with the tool's arguments as the query, summarised. */
function apiTool<S extends z.ZodRawShape>(def: {
  name: string;
  title: string;
  description: string;
  input: S;
  path: string;
  summarize: (data: unknown) => string;
}): ToolDefinition {
  const { path, summarize, ...rest } = def;
  return tool({
    ...rest,
    async run(client, args) {
      const data = await get(client, path, queryOf(args as Record<string, unknown>));
      return { summary: summarize(data), data };
    },
  });
}

export const TOOLS: readonly ToolDefinition[] = [
  {
    name: "query",
    title: "Query (Stats API v2)",
    description:
      "Any metrics by any dimensions over a date range, with filters: the body of POST " +
      "/api/v2/query (Plausible's Stats API v2 shape) and its JSON answer " +
      '({results: [{dimensions, metrics}], meta, query}). E.g. {"site_id": "my-site", ' +
      '"metrics": ["visitors", "pageviews"], "date_range": "7d", "dimensions": ' +
      '["visit:country"], "filters": [["contains", "event:page", ["/blog"]]]}. Metrics: ' +
      `${METRICS.map((m) => m.key).join(", ")}. Dimensions: ` +
      `${DIMENSIONS.map((d) => d.key).join(", ")}, ${PROP_PREFIX}<key>. Bots are hidden ` +
      'unless "bots" is "show" or "only". A saved segment (GET /api/segments) is the filter ' +
      '["is", "segment", [<id>]].',
    input: QUERY_BODY,
    async run(client, args) {
      const data = await postRead(client, QUERY_PATH, args);
      return { summary: summary.query(data), data };
    },
  },
  {
    name: "journeys",
    title: "Journeys from or to a page",
    description:
      "From one page, the pages visits went on to (direction next) or came from (previous), up " +
      "to 5 steps: the body of POST /api/v2/journeys and its JSON answer ({nodes: [{id, step, " +
      "kind, page, label, visits}], links: [{source, target, visits}], meta}). Takes the query " +
      'tool\'s site_id, date_range, filters and bots. E.g. {"site_id": "my-site", "date_range": ' +
      '"30d", "page": "/pricing", "depth": 3}. mode "entry": only visits entering on the page ' +
      "(with previous: leaving from it). A page viewed again at once counts once; (exit) and " +
      "(entry) are where visits ended, (other) the pages past `width` per step.",
    input: JOURNEY_BODY,
    async run(client, args) {
      const data = await postRead(client, JOURNEYS_PATH, args);
      return { summary: summary.journeys(data), data };
    },
  },
  apiTool({
    name: "analytics_overview",
    title: "Traffic overview",
    description:
      "Page views, unique visitors, sessions, bounce rate, time on page, top pages, entry and " +
      "exit pages, referrers, UTM values, countries, devices, browsers, OS, screen sizes, " +
      "outbound links, downloads, custom events, web vitals and the daily trend of one site " +
      "over a period. Bots and excluded visitors are not counted. Optional filters narrow " +
      "every figure to matching page views; `filters` takes the query engine's (any dimension, " +
      "and/or/not, saved segments) and `bots` counts bots.",
    input: {
      site_id: siteId,
      ...RANGE,
      ...FILTERS,
      ...ENGINE_FILTERS,
      limit: z.number().int().min(1).max(100).optional().describe("Length of each top list (20)"),
    },
    path: "/api/stats/overview",
    summarize: summary.overview,
  }),
  apiTool({
    name: "analytics_realtime",
    title: "Visitors right now",
    description:
      "Active visitors and page views of the last 5 minutes, with their pages, referrers and " +
      "countries.",
    input: { site_id: siteId },
    path: "/api/stats/realtime",
    summarize: summary.realtime,
  }),
  tool({
    name: "analytics_campaigns",
    title: "UTM campaign stats",
    description:
      "Every registered UTM campaign with its views, visitors, sessions and bounce rate in the " +
      "period; with campaign_id, that campaign's full report (as analytics_campaign_detail).",
    input: {
      ...RANGE,
      campaign_id: campaignIdParam.optional(),
      site_id: optionalSiteId,
      status: campaignStatus.optional().describe("Only campaigns with this status"),
    },
    async run(client, { campaign_id, ...args }) {
      const data = await get(client, "/api/stats/campaigns", { ...args, id: campaign_id });
      return {
        summary: campaign_id ? summary.campaignDetail(data) : summary.campaignList(data),
        data,
      };
    },
  }),
  tool({
    name: "analytics_campaign_detail",
    title: "One campaign's report",
    description:
      "One campaign's views, visitors, sessions, bounce rate, events and conversions, broken " +
      "down by utm_source, utm_medium, utm_content and utm_term, with its top pages, landing " +
      "pages and daily trend.",
    input: { campaign_id: campaignIdParam, ...RANGE },
    async run(client, { campaign_id, ...args }) {
      const data = await get(client, "/api/stats/campaigns", { ...args, id: campaign_id });
      return { summary: summary.campaignDetail(data), data };
    },
  }),
  apiTool({
    name: "analytics_experiments",
    title: "A/B test results",
    description:
      "A/B experiment results: per variant exposures, conversions, conversion rate, uplift vs " +
      "control, z-test p-value, 95 % confidence interval and significance, plus a " +
      "sample-ratio-mismatch check; the metric is an event or one of the site's goals (`goal`). " +
      "Without experiment_id: every active and completed one.",
    input: {
      experiment_id: text(128).optional().describe("One experiment (any status)"),
      site_id: optionalSiteId,
      bots: ENGINE_FILTERS.bots,
    },
    path: "/api/stats/experiments",
    summarize: summary.experimentResults,
  }),
  apiTool({
    name: "analytics_dashboard",
    title: "Live dashboard",
    description:
      "The live dashboard of one site: visitors now, estimated bots, per-minute figures of the " +
      "last hour, per-hour figures of the last 24 hours, recent visitors and events.",
    input: { site_id: siteId },
    path: "/api/stats/dashboard",
    summarize: summary.dashboard,
  }),
  apiTool({
    name: "analytics_campaign_events",
    title: "Campaigns → events",
    description:
      "Which UTM campaigns bring visitors who act: per utm_campaign value (null = organic) the " +
      "visitors, visitors with events, events, event rate and top event types.",
    input: {
      site_id: siteId,
      ...RANGE,
      event_type: text(64).optional().describe('Only this event type, e.g. "custom", "click"'),
    },
    path: "/api/stats/campaign-events",
    summarize: summary.campaignEvents,
  }),
  apiTool({
    name: "list_campaigns",
    title: "Registered campaigns",
    description:
      "All registered UTM campaigns with their settings and traffic of the last 30 days.",
    input: {
      site_id: optionalSiteId,
      status: campaignStatus.optional().describe("Only campaigns with this status"),
    },
    path: "/api/campaigns",
    summarize: summary.campaignList,
  }),
  apiTool({
    name: "list_experiments",
    title: "A/B experiments",
    description: "All A/B experiments with their status, metric and variant definitions.",
    input: {
      site_id: optionalSiteId,
      status: experimentStatus.optional().describe("Only experiments with this status"),
    },
    path: "/api/experiments",
    summarize: summary.experimentList,
  }),
  tool({
    name: "bot_report",
    title: "Bot report",
    description:
      "What the bot defence saw over the last N days: known bots (crawlers, AI bots, monitors) " +
      "by name with their top paths and daily hits, hits dropped by reason, stored page views " +
      "by score signal and proof-of-work verdict, and the most suspicious visitors (highest " +
      "bot score first; a public instance does not list them). Bot traffic is excluded from " +
      "every other figure.",
    input: {
      site_id: optionalSiteId,
      days: z.number().int().min(1).max(365).default(7).describe("The last N UTC days (7)"),
      min_score: z.number().int().min(0).max(100).default(25).describe(
        "Suspicious visitors: lowest bot score shown (25; 50 and up are excluded from stats)",
      ),
      limit: z.number().int().min(1).max(200).default(20).describe("Suspicious visitors (20)"),
    },
    async run(client, { site_id, days, min_score, limit }) {
      const [report, suspicious] = await Promise.all([
        get(client, "/api/bots/report", { site_id, days }),
        getUnlessNotPublic(client, "/api/bots/suspicious", { site_id, days, min_score, limit }),
      ]);
      const data = { ...(report as object), suspicious_visitors: suspicious };
      return { summary: summary.botReport(data, min_score), data };
    },
  }),
  tool({
    name: "top_pages",
    title: "Top pages",
    description:
      "The most viewed pages of a site over a period, with views and visitors, optionally " +
      "filtered by path text, country, device, referrer or UTM values (e.g. the top blog posts " +
      "from Germany on mobile).",
    input: {
      site_id: siteId,
      ...RANGE,
      ...FILTERS,
      ...ENGINE_FILTERS,
      limit: z.number().int().min(1).max(100).default(10).describe("How many pages (10)"),
    },
    async run(client, args) {
      const overview = await get(client, "/api/stats/overview", queryOf(args)) as Record<
        string,
        unknown
      >;
      const data = {
        site_id: overview.site_id,
        from: overview.from,
        to: overview.to,
        filters: overview.filters,
        source: overview.source,
        visits: overview.visits,
        unique_visitors: overview.unique_visitors,
        pages: overview.top_paths,
        entry_pages: overview.entry_pages,
      };
      return { summary: summary.topPages(data), data };
    },
  }),
  tool({
    name: "compare_periods",
    title: "Compare two periods",
    description:
      "Headline figures of two periods side by side with the change and percent change: " +
      "visits, visitors, sessions, bounce rate, pages per session, session length, engagement, " +
      "scroll depth, events. By default the period (days or from/to) against the period of the " +
      "same length just before it ('this week vs last week': days=7); or give previous_from " +
      "and previous_to for any other period (e.g. the same month last year). Filters apply to " +
      "both.",
    input: {
      site_id: siteId,
      ...RANGE,
      previous_from: day.optional().describe("First day of the period to compare against"),
      previous_to: day.optional().describe("Last day of the period to compare against"),
      ...FILTERS,
      ...ENGINE_FILTERS,
    },
    async run(client, args) {
      const { site_id, days, from, to, previous_from, previous_to } = args;
      const filters = pickFilters(args);
      const base = { site_id, ...queryOf(filters), limit: 1 };
      if ((previous_from === undefined) !== (previous_to === undefined)) {
        throw new Error("previous_from and previous_to go together: give both or neither");
      }
      let current: Record<string, unknown>;
      let previous: Record<string, unknown>;
      if (previous_from !== undefined) {
        [current, previous] = await Promise.all([
          get(client, "/api/stats/overview", { ...base, days, from, to }),
          get(client, "/api/stats/overview", { ...base, from: previous_from, to: previous_to }),
        ]) as Record<string, unknown>[];
      } else {
        current = await get(client, "/api/stats/overview", {
          ...base,
          days,
          from,
          to,
          compare: "previous",
        }) as Record<string, unknown>;
        previous = (current.previous ?? {}) as Record<string, unknown>;
      }
      const now = headlineOf(current);
      const before = headlineOf(previous);
      const changes = deltas(now, before);
      const data = { site_id: current.site_id, filters, current: now, previous: before, changes };
      return { summary: summary.comparison(data), data };
    },
  }),
  tool({
    name: "list_annotations",
    title: "Annotations",
    description:
      "The dated notes of one site over a period (deploys, launches, outages: what the trend " +
      "charts mark), in date order: each with its date as given (a day or an instant), the " +
      "site's local day, the text and where it was written (admin or api). Use them to explain " +
      "a change in the traffic.",
    input: { site_id: siteId, ...RANGE },
    async run(client, args) {
      const data = await getUnlessNotPublic(client, "/api/annotations", queryOf(args));
      return { summary: summary.annotations(data, args.site_id), data };
    },
  }),
  tool({
    name: "list_goals",
    title: "Goals",
    description:
      "A site's goals (what counts as a conversion: a page, a custom event with property " +
      "values, or a scroll depth on a page), by name. Their conversions come from the query " +
      'tool: dimensions ["event:goal"] with metrics conversions, unique_conversions and ' +
      'conversion_rate, or a filter ["is", "event:goal", ["<name>"]] with any dimension.',
    input: { site_id: siteId },
    async run(client, args) {
      const data = await getUnlessNotPublic(client, "/api/goals", { site_id: args.site_id });
      return { summary: summary.goals(data, args.site_id), data };
    },
  }),
  {
    name: "funnel",
    title: "Funnel",
    description:
      "How many visits (or visitors) get through 2-8 steps — pages or custom events — in order " +
      "(strict) or in any order, with drop-off, conversion from the first step and the median " +
      'time between steps: the body of POST /api/v2/funnel, e.g. {"site_id": "my-site", ' +
      '"date_range": "30d", "steps": [{"page": "/"}, {"page": "/pricing"}, {"event_name": ' +
      '"signup"}]}, or a stored funnel as "funnel_id" (GET /api/funnels). Filters and bots as in ' +
      'the query tool; "breakdown": a dimension gives the funnel per value.',
    input: FUNNEL_QUERY_BODY,
    async run(client, args) {
      const data = await postRead(client, FUNNEL_PATH, args);
      return { summary: summary.funnel(data), data };
    },
  },
  tool({
    name: "list_sites",
    title: "Sites",
    description:
      "The sites this instance collects for (site_id, name), by id, a page at a time, with " +
      "human page views today and over the last 30 days. Use a site_id from here in the other " +
      "tools; search by id or name with `search`, and page on with `after`.",
    input: {
      search: text(100).optional().describe("Only sites whose id or name contains this text"),
      after: siteId.optional().describe("The next page: the last site_id of the previous one"),
      limit: z.number().int().min(1).max(1000).optional().describe(
        `Sites per page (default ${LIST_SITES_LIMIT})`,
      ),
    },
    async run(client, { search, after, limit = LIST_SITES_LIMIT }) {
      const data = await get(client, "/api/sites", { q: search, after, limit });
      return { summary: summary.sites(data, limit), data };
    },
  }),
];

/** A tool's answer: the summary line, then the JSON; an API refusal is an MCP tool error. */
async function call(def: ToolDefinition, client: ApiClient, args: unknown) {
  try {
    const out = await def.run(client, args);
    return {
      content: [{ type: "text", text: `${out.summary}\n\n${JSON.stringify(out.data, null, 2)}` }],
    } satisfies CallToolResult;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      content: [{ type: "text", text: `${def.name} failed: ${message}` }],
      isError: true,
    } satisfies CallToolResult;
  }
}

/** Registers every tool on `server`, each answering through `client`. */
export function registerTools(server: McpServer, client: ApiClient): void {
  for (const def of TOOLS) {
    server.registerTool(
      def.name,
      {
        title: def.title,
        description: def.description,
        inputSchema: def.input,
        annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
      },
      (args: unknown) => call(def, client, args),
    );
  }
}
