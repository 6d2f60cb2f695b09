// Every metric GET /metrics exposes, declared once, read from the live services at scrape time:
// requests and latencies per route class, the writers (backlog, rows, flush times), drops by
// reason, stored views and bot share per site, the read queue, connections and the process.
// Counters are "since this process started" (Prometheus' rate() handles restarts).
import { DROP_REASONS } from "../ingest/types.ts";
import type { Services } from "../services.ts";
import type { MetricFamily, Sample } from "./exposition.ts";
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

function writerFamilies(services: Services): MetricFamily[] {
  const writers = [services.collect.views, services.collect.events];
  const stats = writers.map((w) => w.stats());
  const per = (value: (s: typeof stats[number]) => number): Sample[] =>
    stats.map((s) => ({ labels: { writer: s.name }, value: value(s) }));
  return [
    {
      name: "echelon_writer_backlog",
      help: "Rows buffered in memory, not yet committed to the database.",
      type: "gauge",
      samples: per((s) => s.buffered),
    },
    {
      name: "echelon_writer_rows_written_total",
      help: "Rows committed by the writer.",
      type: "counter",
      samples: per((s) => s.written),
    },
    {
      name: "echelon_writer_rows_rejected_total",
      help: "Rows refused because the buffer was full or the writer was stopping.",
      type: "counter",
      samples: per((s) => s.rejected),
    },
    {
      name: "echelon_writer_failed_flushes_total",
      help: "Batches whose write failed (kept and retried).",
      type: "counter",
      samples: per((s) => s.failedFlushes),
    },
    {
      name: "echelon_writer_consecutive_failures",
      help: "Failed flushes in a row (0 once a flush succeeds).",
      type: "gauge",
      samples: per((s) => s.consecutiveFailures),
    },
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
    {
      name: "echelon_read_queue_depth",
      help: "Stats reads waiting for a read process.",
      type: "gauge",
      samples: [{ value: reads.queued }],
    },
    {
      name: "echelon_reads_running",
      help: "Stats reads running in read processes.",
      type: "gauge",
      samples: [{ value: reads.running }],
    },
    {
      name: "echelon_read_processes",
      help: "Read processes alive (0 when reads run on the main thread).",
      type: "gauge",
      samples: [{ value: reads.processes }],
    },
  ];
}

function connectionFamilies(services: Services): MetricFamily[] {
  const stats = services.connectionStats();
  if (stats === null) return []; // no server (an in-process app in tests)
  const gauge = (name: string, help: string, value: number | null): MetricFamily[] =>
    value === null ? [] : [{ name, help, type: "gauge", samples: [{ value }] }];
  const counter = (name: string, help: string, value: number): MetricFamily => ({
    name,
    help,
    type: "counter",
    samples: [{ value }],
  });
  return [
    ...gauge("echelon_connections_open", "HTTP connections open now.", stats.open),
    ...gauge(
      "echelon_connections_max",
      "Connections allowed open at once.",
      stats.max_connections,
    ),
    counter(
      "echelon_connections_refused_total",
      "Connections refused at the connection cap or the per-client cap.",
      stats.refused_at_capacity + stats.refused_per_client,
    ),
    counter(
      "echelon_connections_timed_out_total",
      "Connections closed for a header or idle timeout.",
      stats.header_timeouts + stats.idle_timeouts,
    ),
  ];
}

function processFamilies(services: Services): MetricFamily[] {
  const memory = Deno.memoryUsage();
  return [
    {
      name: "echelon_build_info",
      help: "The running version (value is always 1).",
      type: "gauge",
      samples: [{ labels: { version: services.config.version }, value: 1 }],
    },
    {
      name: "process_start_time_seconds",
      help: "Start time of the process since the Unix epoch, in seconds.",
      type: "gauge",
      samples: [{ value: Math.round(services.startedAt / 1000) }],
    },
    {
      name: "echelon_uptime_seconds",
      help: "Seconds since the process started.",
      type: "gauge",
      samples: [{ value: Math.max(0, Math.round((services.now() - services.startedAt) / 1000)) }],
    },
    {
      name: "process_resident_memory_bytes",
      help: "Resident set size of the server process (read processes not included).",
      type: "gauge",
      samples: [{ value: memory.rss }],
    },
    {
      name: "process_heap_used_bytes",
      help: "V8 heap in use.",
      type: "gauge",
      samples: [{ value: memory.heapUsed }],
    },
  ];
}
