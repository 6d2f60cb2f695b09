// Debug logging of dropped hits: one debug line per drop (endpoint, site, reason — never the IP,
// user agent or page), at most MAX_LINES_PER_SECOND lines a second so a flood of junk cannot
// flood the log; what was held back is summed up in one line when the next second starts.
// Called by the collector only while the effective debug switch is on (lib/ingest/caches.ts).
import type { Logger } from "../log.ts";
import type { DropReason, Endpoint } from "./types.ts";

export const MAX_LINES_PER_SECOND = 10;

export class DropLog {
  readonly #log: Logger;
  readonly #now: () => number;
  readonly #max: number;
  #second = -1;
  #lines = 0;
  #suppressed = 0;

  constructor(options: { log: Logger; now: () => number; maxPerSecond?: number }) {
    this.#log = options.log;
    this.#now = options.now;
    this.#max = options.maxPerSecond ?? MAX_LINES_PER_SECOND;
  }

  note(endpoint: Endpoint, siteId: string, reason: DropReason): void {
    const second = Math.floor(this.#now() / 1000);
    if (second !== this.#second) {
      if (this.#suppressed > 0) {
        this.#log.debug("dropped hits not logged (rate limit)", {
          count: this.#suppressed,
          max_per_second: this.#max,
        });
      }
      this.#second = second;
      this.#lines = 0;
      this.#suppressed = 0;
    }
    if (this.#lines >= this.#max) {
      this.#suppressed++;
      return;
    }
    this.#lines++;
    // The fields are JSON-encoded by the logger (no line injection); the site id is bounded
    // because a refused one may be whatever the client sent.
    this.#log.debug("dropped hit", { endpoint, site: siteId.slice(0, 64) || null, reason });
  }
}
