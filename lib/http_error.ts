// One error type for every refusal: an HTTP status, a stable machine code and a human message.
// Routes throw it; the router turns it into `{ "error": code, "message": message }` (or an HTML
// error page for page routes).

export class HttpError extends Error {
  /** Extra response headers, e.g. `retry-after` on 429 and 503. */
  readonly headers?: HeadersInit;

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    options?: ErrorOptions & { headers?: HeadersInit },
  ) {
    super(message, options);
    this.name = "HttpError";
    this.headers = options?.headers;
  }
}

export function jsonError(status: number, code: string, message: string, headers?: HeadersInit) {
  return Response.json({ error: code, message }, { status, headers });
}
