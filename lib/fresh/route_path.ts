// File path → route pattern: `index` is the folder, `[id]` a parameter, `[...rest]` a catch-all,
// `(group)` vanishes from the URL. Ranking puts static before dynamic before catch-all, segment by
// segment, so `/api/health` is never shadowed by `/api/[name]`.

export type SegmentKind = 0 | 1 | 2; // static, param, catch-all

export interface RoutePath {
  /** Display pattern: `/sites/:id`, `/files/*rest`. */
  pattern: string;
  /** Segment kinds, used for ranking. */
  kinds: SegmentKind[];
  /** Parameter names in order. */
  paramNames: string[];
  /** Null for fully static routes (matched by exact lookup). */
  regex: RegExp | null;
  /** The folders (with groups) that contain the file, for middleware and layouts. */
  dirs: string[];
}

const EXTENSION = /\.(tsx|ts|jsx|js)$/;

export function parseRouteFile(file: string): RoutePath {
  const parts = file.replace(EXTENSION, "").split("/");
  const dirs = parts.slice(0, -1);
  const segments = parts.filter((part) => !/^\(.+\)$/.test(part));
  if (segments[segments.length - 1] === "index") segments.pop();

  const kinds: SegmentKind[] = [];
  const paramNames: string[] = [];
  let source = "";
  let pattern = "";
  for (const segment of segments) {
    const catchAll = segment.match(/^\[\.\.\.([A-Za-z_][A-Za-z0-9_]*)\]$/);
    const param = segment.match(/^\[([A-Za-z_][A-Za-z0-9_]*)\]$/);
    if (catchAll) {
      kinds.push(2);
      paramNames.push(catchAll[1]);
      source += "(?:/(.*))?";
      pattern += `/*${catchAll[1]}`;
    } else if (param) {
      kinds.push(1);
      paramNames.push(param[1]);
      source += "/([^/]+)";
      pattern += `/:${param[1]}`;
    } else {
      if (segment.includes("[") || segment.includes("]")) {
        throw new Error(`routes/${file}: unsupported segment "${segment}"`);
      }
      kinds.push(0);
      source += `/${escapeRegex(segment)}`;
      pattern += `/${segment}`;
    }
  }
  return {
    pattern: pattern || "/",
    kinds,
    paramNames,
    regex: kinds.some((k) => k !== 0) ? new RegExp(`^${source}/?$`) : null,
    dirs,
  };
}

/** Negative when `a` must be tried before `b`. */
export function compareRoutes(a: RoutePath, b: RoutePath): number {
  const length = Math.min(a.kinds.length, b.kinds.length);
  for (let i = 0; i < length; i++) {
    if (a.kinds[i] !== b.kinds[i]) return a.kinds[i] - b.kinds[i];
  }
  if (a.kinds.length !== b.kinds.length) {
    // Same prefix: the longer one can only overlap through a trailing catch-all matching zero
    // segments, and then the explicit shorter route must win.
    return a.kinds.length - b.kinds.length;
  }
  return a.pattern.localeCompare(b.pattern);
}

/** Normalises a request path for matching: no trailing slash except for the root. */
export function normalizePath(pathname: string): string {
  return pathname.length > 1 && pathname.endsWith("/")
    ? pathname.replace(/\/+$/, "") || "/"
    : pathname;
}

export function matchParams(route: RoutePath, path: string): Record<string, string> | null {
  if (!route.regex) return null;
  const match = route.regex.exec(path);
  if (!match) return null;
  const params: Record<string, string> = {};
  route.paramNames.forEach((name, i) => {
    params[name] = safeDecode(match[i + 1] ?? "");
  });
  return params;
}

/** decodeURIComponent that never throws: a malformed `%` stays as it was. */
export function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
