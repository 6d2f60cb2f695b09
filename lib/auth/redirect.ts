// Where to send the browser around sign-in: the admin page it asked for (carried in `?next=`),
// accepted only as a path on this server under /admin, so the login form is no open redirect.
export const ADMIN_HOME = "/admin";
export const LOGIN_PATH = "/admin/login";
export const LOGOUT_PATH = "/admin/logout";

const BASE = "http://echelon.invalid";
const MAX_NEXT_LENGTH = 2048;

/** `raw` when it is a same-site /admin path (with its query), else ADMIN_HOME. */
export function safeNextPath(raw: string | null | undefined): string {
  if (!raw || raw.length > MAX_NEXT_LENGTH) return ADMIN_HOME;
  // "//host" and "/\host" are protocol-relative to browsers; control characters hide tricks.
  // deno-lint-ignore no-control-regex
  if (!raw.startsWith("/") || /^.[/\\]|[\\\u0000-\u001f\u007f]/.test(raw)) return ADMIN_HOME;
  let url: URL;
  try {
    url = new URL(raw, BASE);
  } catch {
    return ADMIN_HOME;
  }
  if (url.origin !== BASE) return ADMIN_HOME;
  const path = url.pathname.replace(/\/+$/, "") || "/";
  if (path !== ADMIN_HOME && !path.startsWith(`${ADMIN_HOME}/`)) return ADMIN_HOME;
  if (path === LOGIN_PATH || path === LOGOUT_PATH) return ADMIN_HOME;
  return url.pathname + url.search;
}

/** The login page URL that returns to `url` (an admin page) afterwards. */
export function loginUrlFor(url: URL): string {
  const next = safeNextPath(url.pathname + url.search);
  return next === ADMIN_HOME ? LOGIN_PATH : `${LOGIN_PATH}?next=${encodeURIComponent(next)}`;
}
