// The dispatcher: matches a request to a route file, runs the middleware of every folder above
// it (outermost first), then the route's handler, and renders pages with their layouts.
// Errors become JSON `{ error, message }` for API routes and the _404/_500 pages for pages.
import type { ComponentType } from "preact";
import { HttpError, jsonError } from "../http_error.ts";
import type { ClientAssets } from "./assets.ts";
import { renderPage } from "./render.ts";
import {
  compareRoutes,
  matchParams,
  normalizePath,
  parseRouteFile,
  type RoutePath,
} from "./route_path.ts";
import {
  type Context,
  type HandlerFn,
  type Handlers,
  isPageResult,
  type Method,
  METHODS,
  type Middleware,
  type RouteFile,
} from "./types.ts";

// deno-lint-ignore no-explicit-any
type AnyComponent = ComponentType<any>;

export interface RouterOptions<State> {
  files: RouteFile<State>[];
  assets: ClientAssets;
  /** Fresh per-request state, before any middleware runs. */
  createState: (req: Request) => State;
  /** Called with every unexpected error (not HttpError), for logging. */
  onError?: (error: unknown, req: Request) => void;
}

interface Route<State> {
  path: RoutePath;
  file: string;
  handlers: Handlers<State> | null;
  component: AnyComponent | null;
  middlewares: Middleware<State>[];
  layouts: AnyComponent[];
}

/** `url` is the request's parsed URL when the caller already has it. */
export type Dispatch = (req: Request, remoteAddr: string, url?: URL) => Promise<Response>;

const SPECIAL = new Set(["_middleware", "_layout", "_app", "_404", "_500"]);

export function createRouter<State>(options: RouterOptions<State>): Dispatch {
  const byDir = {
    middleware: new Map<string, Middleware<State>[]>(),
    layout: new Map<string, AnyComponent>(),
  };
  let app: AnyComponent | null = null;
  let notFoundPage: AnyComponent | null = null;
  let errorPage: AnyComponent | null = null;
  const routeFiles: RouteFile<State>[] = [];

  for (const entry of options.files) {
    const parts = entry.file.replace(/\.(tsx|ts|jsx|js)$/, "").split("/");
    const base = parts[parts.length - 1];
    const dir = parts.slice(0, -1).join("/");
    if (!SPECIAL.has(base)) {
      if (!base.startsWith("_")) routeFiles.push(entry);
      continue;
    }
    const component = entry.module.default as AnyComponent | undefined;
    if (base === "_middleware") byDir.middleware.set(dir, middlewareList(entry));
    else if (base === "_layout" && component) byDir.layout.set(dir, component);
    else if (dir === "" && base === "_app") app = component ?? null;
    else if (dir === "" && base === "_404") notFoundPage = component ?? null;
    else if (dir === "" && base === "_500") errorPage = component ?? null;
  }

  const ancestors = (dirs: string[]) => dirs.map((_, i) => dirs.slice(0, i + 1).join("/"));
  const chainFor = <T>(map: Map<string, T>, dirs: string[]) =>
    ["", ...ancestors(dirs)].flatMap((dir) => (map.has(dir) ? [map.get(dir) as T] : []));

  const exact = new Map<string, Route<State>>();
  const dynamic: Route<State>[] = [];
  const seen = new Map<string, string>();
  for (const entry of routeFiles) {
    const path = parseRouteFile(entry.file);
    const key = path.pattern.replace(/:[^/]+|\*[^/]+/g, (m) => m[0]);
    if (seen.has(key)) {
      throw new Error(
        `routes/${entry.file} and routes/${seen.get(key)} both serve ${path.pattern}`,
      );
    }
    seen.set(key, entry.file);
    const route: Route<State> = {
      path,
      file: entry.file,
      handlers: handlersOf(entry),
      component: typeof entry.module.default === "function"
        ? entry.module.default as AnyComponent
        : null,
      middlewares: chainFor(byDir.middleware, path.dirs).flat(),
      layouts: chainFor(byDir.layout, path.dirs),
    };
    if (path.regex) dynamic.push(route);
    else exact.set(path.pattern, route);
  }
  dynamic.sort((a, b) => compareRoutes(a.path, b.path));

  // Unmatched paths still pass through the middleware of plain folders they fall under.
  const plainMiddlewareDirs = [...byDir.middleware.keys()]
    .filter((dir) => !/[[(]/.test(dir))
    .sort((a, b) => a.length - b.length);
  const middlewaresForPath = (path: string) =>
    plainMiddlewareDirs
      .filter((dir) => dir === "" || path === `/${dir}` || path.startsWith(`/${dir}/`))
      .flatMap((dir) => byDir.middleware.get(dir) ?? []);

  const render = (
    component: AnyComponent,
    layouts: AnyComponent[],
    props: Record<string, unknown>,
    status: number,
    headers?: HeadersInit,
  ) => {
    const html = renderPage({ app, layouts, component }, props, options.assets);
    const response = new Response(html, { status, headers });
    response.headers.set("content-type", "text/html; charset=utf-8");
    return response;
  };

  // A page's errors are pages; a handler's are JSON, unless a browser navigated to it (a redirect
  // route refused in public mode): a JSON answer there would be shown raw, and its missing icon
  // fetched as /favicon.ico.
  const wantsHtml = (req: Request, route: Route<State> | null) =>
    route
      ? route.component !== null || req.headers.get("sec-fetch-dest") === "document"
      : (req.headers.get("accept") ?? "").includes("text/html");

  const errorResponse = (error: unknown, ctx: Context<State>, route: Route<State> | null) => {
    const status = error instanceof HttpError ? error.status : 500;
    if (!(error instanceof HttpError)) options.onError?.(error, ctx.req);
    const html = wantsHtml(ctx.req, route);
    const page = status === 404 ? notFoundPage : errorPage;
    // A refusal's own headers (Retry-After on 429 and 503) go with it, as JSON or as a page.
    const headers = error instanceof HttpError ? error.headers : undefined;
    if (html && page) {
      try {
        const rootLayouts = byDir.layout.has("") ? [byDir.layout.get("") as AnyComponent] : [];
        return render(
          page,
          rootLayouts,
          {
            url: ctx.url,
            state: ctx.state,
            status,
            error,
            data: undefined,
            params: {},
            route: null,
          },
          status,
          headers,
        );
      } catch (renderError) {
        options.onError?.(renderError, ctx.req);
      }
    }
    if (error instanceof HttpError) {
      return jsonError(error.status, error.code, error.message, headers);
    }
    return jsonError(500, "internal_error", "The server failed to handle this request.");
  };

  return async (req, remoteAddr, url = new URL(req.url)) => {
    const path = normalizePath(url.pathname);
    let route = exact.get(path) ?? null;
    let params: Record<string, string> = {};
    if (!route) {
      for (const candidate of dynamic) {
        const match = matchParams(candidate.path, path);
        if (match) {
          route = candidate;
          params = match;
          break;
        }
      }
    }

    const chain = route ? route.middlewares : middlewaresForPath(path);
    let index = 0;
    const ctx: Context<State> = {
      req,
      url,
      params,
      state: options.createState(req),
      route: route?.path.pattern ?? null,
      remoteAddr,
      // Each layer gets a Response even when an inner one throws, so outer middleware (security
      // headers, timing) also sees error responses.
      next: async () => {
        const middleware = chain[index++];
        try {
          if (middleware) return await middleware(ctx);
          if (route) return await invoke(route, ctx);
          throw new HttpError(404, "not_found", `No route for ${path}`);
        } catch (error) {
          return errorResponse(error, ctx, route);
        }
      },
    };
    try {
      return await ctx.next();
    } catch (error) {
      return errorResponse(error, ctx, route);
    }
  };

  async function invoke(route: Route<State>, ctx: Context<State>): Promise<Response> {
    const method = ctx.req.method.toUpperCase() as Method;
    const handler = pickHandler(route, method);
    if (!handler) {
      if (!route.component || (method !== "GET" && method !== "HEAD")) {
        return jsonError(
          405,
          "method_not_allowed",
          `${method} is not allowed on ${ctx.url.pathname}`,
          {
            allow: allowedMethods(route).join(", "),
          },
        );
      }
    }
    const result = handler
      ? await handler(ctx)
      : { data: undefined, status: 200, headers: undefined };
    let response: Response;
    if (result instanceof Response) {
      response = result;
    } else if (handler && !isPageResult(result)) {
      throw new TypeError(`routes/${route.file}: a handler must return a Response or page(data)`);
    } else if (!route.component) {
      throw new TypeError(`routes/${route.file}: page(data) returned but the module has no page`);
    } else {
      response = render(
        route.component,
        route.layouts,
        {
          data: result.data,
          url: ctx.url,
          params: ctx.params,
          state: ctx.state,
          route: route.path.pattern,
        },
        result.status ?? 200,
        result.headers,
      );
    }
    return method === "HEAD" ? new Response(null, response) : response;
  }
}

function middlewareList<State>(entry: RouteFile<State>): Middleware<State>[] {
  const exported = entry.module.handler ?? entry.module.default;
  const list = Array.isArray(exported) ? exported : [exported];
  if (!list.every((fn) => typeof fn === "function")) {
    throw new Error(`routes/${entry.file} must export middleware functions as handler`);
  }
  return list as Middleware<State>[];
}

function handlersOf<State>(entry: RouteFile<State>): Handlers<State> | null {
  const exported = entry.module.handler;
  if (exported === undefined) return null;
  if (typeof exported === "function") {
    const all = exported as HandlerFn<State>;
    return Object.fromEntries(METHODS.map((m) => [m, all])) as Handlers<State>;
  }
  if (typeof exported !== "object" || Array.isArray(exported)) {
    throw new Error(`routes/${entry.file}: handler must be a function or { GET, POST, ... }`);
  }
  for (const key of Object.keys(exported)) {
    if (!(METHODS as readonly string[]).includes(key)) {
      throw new Error(`routes/${entry.file}: unknown method "${key}" in handler`);
    }
  }
  return exported as Handlers<State>;
}

function pickHandler<State>(route: Route<State>, method: Method): HandlerFn<State> | undefined {
  const handlers = route.handlers;
  if (!handlers) return undefined;
  return handlers[method] ?? (method === "HEAD" ? handlers.GET : undefined);
}

function allowedMethods<State>(route: Route<State>): string[] {
  const methods = route.handlers ? Object.keys(route.handlers) : [];
  if (route.component && !methods.includes("GET")) methods.push("GET");
  if (methods.includes("GET")) methods.push("HEAD");
  return [...new Set(methods)];
}
