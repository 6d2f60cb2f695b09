// Requests per route class and status class, and their handling time as a histogram, since the
// process started: plain typed-array counters, incremented once per request with no allocation
// (GET /b.gif is counted on its fast path too, lib/app.ts).
import { Histogram, type HistogramSnapshot, REQUEST_SECONDS } from "./histogram.ts";
import { ROUTE_CLASSES, type RouteClass } from "./route_class.ts";

/** Status classes counted: 1xx … 5xx. */
export const STATUS_CLASSES = ["1xx", "2xx", "3xx", "4xx", "5xx"] as const;

export interface RouteClassSnapshot {
  route: RouteClass;
  /** Requests by status class (index as STATUS_CLASSES). */
  byStatus: number[];
  duration: HistogramSnapshot;
}

export class HttpMetrics {
  readonly #durations = ROUTE_CLASSES.map(() => new Histogram(REQUEST_SECONDS));
  /** ROUTE_CLASSES × STATUS_CLASSES counts, row-major. */
  readonly #statuses = new Float64Array(ROUTE_CLASSES.length * STATUS_CLASSES.length);

  /** One answered request: its route class (index into ROUTE_CLASSES), status and time. */
  observe(routeClass: number, status: number, durationMs: number): void {
    const statusClass = Math.min(4, Math.max(0, Math.floor(status / 100) - 1));
    this.#statuses[routeClass * STATUS_CLASSES.length + statusClass]++;
    this.#durations[routeClass].observe(durationMs / 1000);
  }

  snapshot(): RouteClassSnapshot[] {
    return ROUTE_CLASSES.map((route, i) => ({
      route,
      byStatus: Array.from(
        this.#statuses.subarray(i * STATUS_CLASSES.length, (i + 1) * STATUS_CLASSES.length),
      ),
      duration: this.#durations[i].snapshot(),
    }));
  }
}
