// Why a read was not answered, as the JSON errors a caller sees: out of time (503 read_timeout),
// no room in the queue (503 busy), too many waiting reads or expensive reads from one client
// (429), the client gone (499, which nobody reads but the request log), a read process lost.
import { HttpError } from "../http_error.ts";

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

export function readTimeout(budgetMs: number): HttpError {
  return new HttpError(
    503,
    "read_timeout",
    `This read did not finish within its budget of ${budgetMs / 1000} s and was stopped. ` +
      "Narrow the date range or the filters, or retry later.",
    { headers: { "retry-after": "30" } },
  );
}

export function readQueueFull(): HttpError {
  return new HttpError(
    503,
    "busy",
    "Too many reads are waiting; retry in a few seconds.",
    { headers: { "retry-after": "5" } },
  );
}

export function tooManyWaitingReads(limit: number): HttpError {
  return new HttpError(
    429,
    "too_many_reads",
    `You already have ${limit} reads waiting; wait for them before sending more.`,
    { headers: { "retry-after": "5" } },
  );
}

export function readRateLimited(perMinute: number, retryMs: number): HttpError {
  return new HttpError(
    429,
    "rate_limited",
    perMinute === 0
      ? "Expensive reads (filters, visitor lists, reports) need an API key on this instance."
      : `At most ${perMinute} expensive reads (filters, visitor lists, reports) per minute ` +
        "without an API key; retry later.",
    { headers: { "retry-after": String(seconds(retryMs)) } },
  );
}

export function clientClosed(): HttpError {
  return new HttpError(499, "client_closed", "The client closed the request; the read stopped.");
}

export function readProcessLost(detail: string): HttpError {
  return new HttpError(
    503,
    "read_failed",
    `The read process ended before answering (${detail}); retry, or narrow the read.`,
    { headers: { "retry-after": "5" } },
  );
}

export function readTooLarge(memoryMb: number): HttpError {
  return new HttpError(
    503,
    "read_too_large",
    `This read needs more than the ${memoryMb} MB a read may use; narrow the date range or ` +
      "the filters.",
  );
}

/** Whether a read was refused (429, 503: one of the above) rather than failed: an optional part
 * of a page then degrades instead of failing the page. */
export function isRefusedRead(error: unknown): error is HttpError {
  return error instanceof HttpError && (error.status === 429 || error.status === 503);
}
