// The public types of the Fresh-conventions layer: the request context, handlers, middleware,
// page results and component props, in Fresh 2's shape so a later move to Fresh is mechanical.
import type { ComponentType, JSX } from "preact";

export const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
export type Method = typeof METHODS[number];

export interface Context<State> {
  readonly req: Request;
  readonly url: URL;
  /** Route parameters: `[id]` → params.id, `[...rest]` → params.rest (slash-joined). */
  readonly params: Record<string, string>;
  /** Per-request state, seeded by the app and extended by middleware. */
  state: State;
  /** The route pattern that matched, e.g. `/admin/visitors/:id`; null for not-found. */
  readonly route: string | null;
  /** The peer address of the TCP connection (not a header: docs/architecture.md, decision 1). */
  readonly remoteAddr: string;
  /** Runs the rest of the chain (inner middleware, then the route). */
  next(): Promise<Response>;
}

export type Middleware<State> = (ctx: Context<State>) => Response | Promise<Response>;

export interface PageResult<Data> {
  readonly [PAGE_RESULT]: true;
  readonly data: Data;
  readonly status?: number;
  readonly headers?: HeadersInit;
}

declare const PAGE_RESULT_BRAND: unique symbol;
export const PAGE_RESULT: typeof PAGE_RESULT_BRAND = Symbol.for("echelon.page") as never;

/** The value a handler returns to render its page with `props.data`. */
export function page<Data>(
  data: Data,
  init: { status?: number; headers?: HeadersInit } = {},
): PageResult<Data> {
  return { [PAGE_RESULT]: true, data, ...init };
}

export function isPageResult(value: unknown): value is PageResult<unknown> {
  return typeof value === "object" && value !== null && PAGE_RESULT in value;
}

export type HandlerResult<Data> = Response | PageResult<Data>;
export type HandlerFn<State, Data = unknown> = (
  ctx: Context<State>,
) => HandlerResult<Data> | Promise<HandlerResult<Data>>;
export type Handlers<State, Data = unknown> = Partial<Record<Method, HandlerFn<State, Data>>>;

export interface PageProps<Data = unknown, State = unknown> {
  data: Data;
  url: URL;
  params: Record<string, string>;
  state: State;
  route: string | null;
}

export interface LayoutProps<State = unknown> extends PageProps<unknown, State> {
  Component: ComponentType<Record<string, never>>;
}

export interface ErrorPageProps<State = unknown> {
  url: URL;
  state: State;
  status: number;
  error: unknown;
}

export type RouteComponent<P> = (props: P) => JSX.Element | null;

/** A route module as loaded from `routes/`. */
export interface RouteModule<State> {
  handler?: Handlers<State> | HandlerFn<State> | Middleware<State> | Middleware<State>[];
  default?: unknown;
}

/** One file of the routes tree, relative to `routes/` with forward slashes. */
export interface RouteFile<State> {
  file: string;
  module: RouteModule<State>;
}
