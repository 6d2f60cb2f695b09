// The MCP tools' view of an Echelon instance: a client that can only GET /api/* (and POST to the
// read-only POST routes, READ_ONLY_POSTS) and returns the parsed JSON or the API's
// `{error, message}`. The stdio server points it at ECHELON_URL over
// the network; the /mcp route points it at the app itself (in process), with the caller's own
// Authorization header, so the API middleware applies the same auth and scope rules to both.
// Having no other method is the guarantee that an assistant never writes.
import { READ_ONLY_POSTS } from "../api/operations/query.ts";

export type QueryValue = string | number | boolean | null | undefined;

export type ApiResult =
  | { ok: true; status: number; data: unknown }
  | { ok: false; status: number; error: string; message: string };

export interface ApiClient {
  /** GET `path` (must start with /api/) with the defined query values. */
  get(path: string, query?: Record<string, QueryValue>): Promise<ApiResult>;
  /** POST `body` as JSON to a route that only reads (READ_ONLY_POSTS, e.g. /api/v2/query). */
  postRead(path: string, body: unknown): Promise<ApiResult>;
}

export interface ApiClientOptions {
  /** The instance's origin (and base path, if it is served under one), e.g. http://host:1947. */
  baseUrl: string;
  /** Sent as-is as the Authorization header (e.g. `Bearer ek_r_…`); null sends none. */
  authorization: string | null;
  /** How requests are sent: global fetch, or the app's own handler for in-process calls. */
  fetch: (req: Request) => Promise<Response>;
  /** Gives up on a request after this long (default 30 s). */
  timeoutMs?: number;
  /** Sent as User-Agent (fetch's default otherwise). */
  userAgent?: string;
  /**
   * Aborts every request when it aborts: /mcp passes its own request's signal, so a tool's API
   * reads stop when the MCP client leaves (lib/reads/ cancels a read whose request aborted).
   */
  signal?: AbortSignal;
}

export function createApiClient(options: ApiClientOptions): ApiClient {
  const base = options.baseUrl.replace(/\/+$/, "");
  const timeoutMs = options.timeoutMs ?? 30_000;
  const headers = new Headers({ accept: "application/json" });
  if (options.authorization) headers.set("authorization", options.authorization);
  if (options.userAgent) headers.set("user-agent", options.userAgent);
  const send = async (url: URL, init: { method: string; body?: string }) => {
    const req = new Request(url, {
      ...init,
      headers: init.body === undefined
        ? headers
        : new Headers([...headers, ["content-type", "application/json"]]),
      signal: options.signal
        ? AbortSignal.any([AbortSignal.timeout(timeoutMs), options.signal])
        : AbortSignal.timeout(timeoutMs),
    });
    let res: Response;
    try {
      res = await options.fetch(req);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return {
        ok: false as const,
        status: 0,
        error: "unreachable",
        message: `${init.method} ${url.pathname} failed: ${reason}`,
      };
    }
    return await readResult(res, url.pathname);
  };
  return {
    get(path, query = {}) {
      if (!path.startsWith("/api/")) throw new TypeError(`not an API path: ${path}`);
      const url = new URL(base + path);
      for (const [name, value] of Object.entries(query)) {
        if (value !== undefined && value !== null && value !== "") {
          url.searchParams.set(name, String(value));
        }
      }
      return send(url, { method: "GET" });
    },
    postRead(path, body) {
      if (!READ_ONLY_POSTS.has(path)) throw new TypeError(`not a read-only POST: ${path}`);
      return send(new URL(base + path), { method: "POST", body: JSON.stringify(body) });
    },
  };
}

async function readResult(res: Response, path: string): Promise<ApiResult> {
  let text: string;
  try {
    text = await res.text();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, status: res.status, error: "unreadable", message: `${path}: ${reason}` };
  }
  let body: unknown = undefined;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON (a proxy's error page, a wrong URL): reported below with a preview.
  }
  if (res.ok && body !== undefined) return { ok: true, status: res.status, data: body };
  if (body && typeof body === "object" && "error" in body) {
    const { error, message } = body as { error: unknown; message?: unknown };
    return {
      ok: false,
      status: res.status,
      error: String(error),
      message: typeof message === "string" ? message : String(error),
    };
  }
  const preview = text.slice(0, 200).replace(/\s+/g, " ").trim();
  return {
    ok: false,
    status: res.status,
    error: res.ok ? "invalid_response" : `http_${res.status}`,
    message: `${path} answered ${res.status} with ${preview ? `"${preview}"` : "no body"}` +
      (res.ok ? " (not JSON: is ECHELON_URL an Echelon instance?)" : ""),
  };
}
