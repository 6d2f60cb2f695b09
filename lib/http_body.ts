// Request bodies read with a hard cap enforced while streaming: an oversize body is refused with
// 413 as soon as the cap is crossed, never buffered whole (Content-Length is checked first), and
// its stream is cancelled. Every route that reads a body goes through here; a body no route read
// is cancelled once the response is ready (`discardUnreadBody`, called by lib/app.ts). A body that
// has not arrived by its deadline (lib/http/body_deadline.ts) is refused with 408.
import { bodyDeadline } from "./http/body_deadline.ts";
import { HttpError } from "./http_error.ts";

/** 413 naming the limit (tests/body_limits_test.ts reads the number back from the message). */
function tooLarge(maxBytes: number): HttpError {
  return new HttpError(
    413,
    "payload_too_large",
    `The request body is over the limit of ${maxBytes} bytes for this endpoint`,
  );
}

export async function readBodyCapped(
  req: Request,
  maxBytes: number,
): Promise<Uint8Array<ArrayBuffer>> {
  const declared = req.headers.get("content-length");
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) > maxBytes) {
    await req.body?.cancel().catch(() => {});
    throw tooLarge(maxBytes);
  }
  if (!req.body) return new Uint8Array(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const deadline = bodyDeadline(req);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = deadline && new Promise<"expired">((resolve) => {
    timer = setTimeout(() => resolve("expired"), Math.max(0, deadline.at - performance.now()));
  });
  try {
    while (true) {
      const next = expired ? await Promise.race([reader.read(), expired]) : await reader.read();
      if (next === "expired") {
        deadline!.expired = true;
        // Not awaited: a source that trickles need not answer the cancel promptly either.
        reader.cancel().catch(() => {});
        throw new HttpError(
          408,
          "request_timeout",
          `The request body did not arrive within ${deadline!.timeoutMs} ms`,
        );
      }
      const { done, value } = next;
      if (done) break;
      size += value.length;
      if (size > maxBytes) {
        await reader.cancel().catch(() => {});
        throw tooLarge(maxBytes);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof HttpError) throw error;
    throw new HttpError(400, "unreadable_body", "The request body could not be read", {
      cause: error,
    });
  } finally {
    clearTimeout(timer);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.length;
  }
  return body;
}

/** Parses a capped body as JSON; 400 `invalid_json` when it is empty or malformed. */
export async function readJsonCapped(req: Request, maxBytes: number): Promise<unknown> {
  const bytes = await readBodyCapped(req, maxBytes);
  if (bytes.length === 0) throw new HttpError(400, "empty_body", "The request body is empty");
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new HttpError(400, "invalid_json", "The request body is not valid JSON");
  }
}

/**
 * Cancels a request body nobody read (a handler that takes no body, a refusal before the read:
 * 401, 403, 404, 405), so its sender is told to stop rather than left pending. Bodies being read
 * or already read or cancelled are locked or closed and left alone.
 */
export function discardUnreadBody(req: Request): void {
  const body = req.body;
  if (body !== null && !body.locked) body.cancel().catch(() => {});
}
