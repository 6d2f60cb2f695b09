// One error type for every refusal: an HTTP status, a stable machine code and a human message.
// Routes throw it; the router turns it into `{ "error": code, "message": message }` (or an HTML
// error page for page routes).

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "HttpError";
  }
}

export function jsonError(status: number, code: string, message: string, headers?: HeadersInit) {
  return Response.json({ error: code, message }, { status, headers });
}
