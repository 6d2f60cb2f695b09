// Every metric GET /metrics exposes, declared once, read from the live services at scrape time:
// requests and latencies per route class, the writers (backlog, rows, flush times), drops by
// reason, stored views and bot share per site, the read queue, connections and the process.
// Counters are "since this process started" (Prometheus' rate() handles restarts).
import { DROP_REASONS } from "../ingest/types.ts";
import type { Services } from "../services.ts";
import type { WriterStats } from "../ingest/writer.ts";
import { type MetricFamily, single } from "./exposition.ts";
import { STATUS_CLASSES } from "./http_metrics.ts";

export function metricFamilies(services: Services): MetricFamily[] {
  return [
    ...httpFamilies(services),
    ...writerFamilies(services),
    dropFamily(services),
    ...siteFamilies(services),
    ...readFamilies(services),
    ...connectionFamilies(services),
    ...processFamilies(services),
  ];
}

function httpFamilies(services: Services): MetricFamily[] {
  const classes = services.httpMetrics.snapshot();
  return [
    {
      name: "echelon_http_requests_total",
      help: "HTTP requests answered, by route class and status class.",
      type: "counter",
      samples: classes.flatMap(({ route, byStatus }) =>
        STATUS_CLASSES.map((status, i) => ({ labels: { route, status }, value: byStatus[i] }))
      ),
    },
    {
      name: "echelon_http_request_duration_seconds",
      help: "Time from a request's arrival at the app to its response, by route class.",
      type: "histogram",
      series: classes.map(({ route, duration }) => ({ labels: { route }, histogram: duration })),
    },
  ];
}

/** The writers' figures, one row each: name, type, help, and how to read it from WriterStats. */
const WRITER_FIGURES: [string, "gauge" | "counter", string, (s: WriterStats) => number][] = [
  [
    "echelon_writer_backlog",
    "gauge",
    "Rows buffered in memory, not yet committed to the database.",
    (s) => s.buffered,
  ],
  ["echelon_writer_rows_written_total", "counter", "Rows committed.", (s) => s.written],
  [
    "echelon_writer_rows_rejected_total",
    "counter",
    "Rows refused because the buffer was full or the writer was stopping.",
    (s) => s.rejected,
  ],
  [
    "echelon_writer_failed_flushes_total",
    "counter",
    "Batches whose write failed (kept and retried).",
    (s) => s.failedFlushes,
  ],
  [
    "echelon_writer_consecutive_failures",
    "gauge",
    "Failed flushes in a row (0 once a flush succeeds).",
    (s) => s.consecutiveFailures,
  ],
];

function writerFamilies(services: Services): MetricFamily[] {
  const writers = [services.collect.views, services.collect.events];
  const stats = writers.map((w) => w.stats());
  return [
    ...WRITER_FIGURES.map(([name, type, help, read]): MetricFamily => ({
      name,
      help,
      type,
      samples: stats.map((s) => ({ labels: { writer: s.name }, value: read(s) })),
    })),
    single(
      "echelon_aggregate_rebuild_failures_total",
      "counter",
      "Rebuilds of a day of per-day aggregates that failed on the write thread (retried later).",
      services.collect.aggregateRebuilds.failures,
    ),
    {
      name: "echelon_writer_flush_duration_seconds",
      help: "Time to write one batch, from hand-over to commit.",
      type: "histogram",
      series: writers.map((w, i) => ({
        labels: { writer: stats[i].name },
        histogram: w.flushSeconds.snapshot(),
      })),
    },
  ];
}

function dropFamily(services: Services): MetricFamily {
  const totals = services.collect.drops.totals();
  return {
    name: "echelon_dropped_hits_total",
    help: "Hits not stored, by reason (every collector: /b.gif, /e, /api/ingest, collect).",
    type: "counter",
    samples: DROP_REASONS.map((reason) => ({ labels: { reason }, value: totals[reason] ?? 0 })),
  };
}

function siteFamilies(services: Services): MetricFamily[] {
  const sites = services.collect.siteHits.snapshot();
  return [
    {
      name: "echelon_page_views_total",
      help: "Page views stored, by site and verdict (bot: score at or above the bot threshold). " +
        'At most 100 sites are labelled; the rest count as site="(other)".',
      type: "counter",
      samples: sites.flatMap(({ site, human, bot }) => [
        { labels: { site, verdict: "human" }, value: human },
        { labels: { site, verdict: "bot" }, value: bot },
      ]),
    },
    {
      name: "echelon_bot_share",
      help: "Share of the site's stored page views scored as bots since start (0 to 1).",
      type: "gauge",
      samples: sites.map(({ site, human, bot }) => ({
        labels: { site },
        value: human + bot === 0 ? 0 : bot / (human + bot),
      })),
    },
  ];
}

function readFamilies(services: Services): MetricFamily[] {
  const reads = services.reads.stats();
  return [
    single(
      "echelon_read_queue_depth",
      "gauge",
      "Stats reads waiting for a read process.",
      reads.queued,
    ),
    single(
      "echelon_reads_running",
      "gauge",
      "Stats reads running in read processes.",
      reads.running,
    ),
    single(
      "echelon_read_processes",
      "gauge",
      "Read processes alive (0 when reads run on the main thread).",
      reads.processes,
    ),
  ];
}

function connectionFamilies(services: Services): MetricFamily[] {
  const stats = services.connectionStats();
  if (stats === null) return []; // no server (an in-process app in tests)
  return [
    ...(stats.open === null
      ? []
      : [single("echelon_connections_open", "gauge", "HTTP connections open now.", stats.open)]),
    ...(stats.max_connections === null ? [] : [
      single(
        "echelon_connections_max",
        "gauge",
        "Connections allowed open at once.",
        stats.max_connections,
      ),
    ]),
    single(
      "echelon_connections_refused_total",
      "counter",
      "Connections refused at the connection cap or the per-client cap.",
      stats.refused_at_capacity + stats.refused_per_client,
    ),
    single(
      "echelon_connections_timed_out_total",
      "counter",
      "Connections closed for a header or idle timeout.",
      stats.header_timeouts + stats.idle_timeouts,
    ),
  ];
}

function processFamilies(services: Services): MetricFamily[] {
  const memory = Deno.memoryUsage();
  const uptime = Math.max(0, Math.round((services.now() - services.startedAt) / 1000));
  return [
    single("echelon_build_info", "gauge", "The running version (value is always 1).", 1, {
      version: services.config.version,
    }),
    single(
      "process_start_time_seconds",
      "gauge",
      "Start time of the process since the Unix epoch, in seconds.",
      Math.round(services.startedAt / 1000),
    ),
    single("echelon_uptime_seconds", "gauge", "Seconds since the process started.", uptime),
    single(
      "process_resident_memory_bytes",
      "gauge",
      "Resident set size of the server process (read processes not included).",
      memory.rss,
    ),
    single("process_heap_used_bytes", "gauge", "V8 heap in use.", memory.heapUsed),
  ];
}
