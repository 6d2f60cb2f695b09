// When a request's body must have arrived in full. The connection layer (lib/http/serve.ts) sets
// it as the request's headers complete; lib/http_body.ts, through which every body is read, stops
// reading there with 408, so a body trickled a byte at a time cannot hold a request open forever.
// Requests made in-process (tests, MCP subrequests) have none and are read without a deadline.

export interface BodyDeadline {
  /** performance.now() by which the body must be complete. */
  at: number;
  /** The configured allowance, for the error message. */
  timeoutMs: number;
  /** Set by the reader when the deadline passed: the connection is then closed after the 408. */
  expired: boolean;
}

const deadlines = new WeakMap<Request, BodyDeadline>();

/** Methods whose requests carry no body that a route reads. */
const BODYLESS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Gives a request that may carry a body `timeoutMs` from now to deliver it. */
export function setBodyDeadline(req: Request, timeoutMs: number): BodyDeadline | undefined {
  if (BODYLESS.has(req.method)) return undefined;
  const deadline = { at: performance.now() + timeoutMs, timeoutMs, expired: false };
  deadlines.set(req, deadline);
  return deadline;
}

export function bodyDeadline(req: Request): BodyDeadline | undefined {
  return deadlines.get(req);
}
