// Helpers for admin page tests: an app with the test admin credentials, signed in through the
// real login form; GET and form POST requests that carry the session cookie and a same-origin
// Origin header (what the CSRF check expects from a browser); and a row-insert helper for
// seeding many views or events quickly with exact timestamps and scores.
import { GOAL_BODY, type GoalRecord, newGoal } from "../lib/query/goals.ts";
import { AUTH_ENV, loginCookie } from "./_auth.ts";
import { createTestApp, TEST_ORIGIN, type TestApp } from "./_helpers.ts";
import {
  EVENT_COLUMNS,
  type EventRow,
  insertSql,
  VIEW_COLUMNS,
  type ViewRow,
} from "../lib/db/columns.ts";

/** The pages this suite owns (the dashboard and realtime pages have their own tests). */
export const ADMIN_PAGES = [
  "/admin/visitors",
  "/admin/views",
  "/admin/events",
  "/admin/bots",
  "/admin/sites",
  "/admin/settings",
];

export interface AdminTestApp extends TestApp {
  /** `echelon_session=…`, or "" in public mode (no login there). */
  cookie: string;
}

export async function adminApp(env: Record<string, string> = {}): Promise<AdminTestApp> {
  const app = await createTestApp({ ...AUTH_ENV, ...env });
  const isPublic = /^(true|1|yes|on)$/i.test(env.ECHELON_PUBLIC_MODE ?? "");
  const cookie = isPublic ? "" : await loginCookie(app);
  return Object.assign(app, { cookie });
}

function authHeaders(app: AdminTestApp, extra: Record<string, string> = {}): Headers {
  const headers = new Headers(extra);
  if (app.cookie) headers.set("cookie", app.cookie);
  return headers;
}

export function adminGet(app: AdminTestApp, path: string): Promise<Response> {
  return app.request(path, { headers: authHeaders(app, { accept: "text/html" }) });
}

/** GET a page and return its status and HTML (the body is always consumed). */
export async function adminHtml(
  app: AdminTestApp,
  path: string,
): Promise<{ status: number; html: string; res: Response }> {
  const res = await adminGet(app, path);
  return { status: res.status, html: await res.text(), res };
}

/** POST a form the way a same-origin browser page does. */
export function adminPost(
  app: AdminTestApp,
  path: string,
  form: Record<string, string> | URLSearchParams,
): Promise<Response> {
  return app.request(path, {
    method: "POST",
    headers: authHeaders(app, {
      "content-type": "application/x-www-form-urlencoded",
      origin: TEST_ORIGIN,
      accept: "text/html",
    }),
    body: new URLSearchParams(form),
  });
}

const VIEW_DEFAULTS: ViewRow = Object.fromEntries(VIEW_COLUMNS.map((c) => [c, null])) as ViewRow;
const EVENT_DEFAULTS: EventRow = Object.fromEntries(
  EVENT_COLUMNS.map((c) => [c, null]),
) as EventRow;

/** Inserts page views directly (columns default to NULL / 0); returns their ids. */
export function insertViews(app: TestApp, rows: Partial<ViewRow>[]): number[] {
  const db = app.services.db;
  const stmt = db.statement(insertSql("visitor_views", VIEW_COLUMNS));
  return db.transaction(() =>
    rows.map((row) => {
      const full: ViewRow = {
        ...VIEW_DEFAULTS,
        site_id: "shop",
        path: "/",
        is_spa: 0,
        is_returning: 0,
        is_pwa: 0,
        bot_score: 0,
        created_at: new Date(app.clock.now).toISOString(),
        ...row,
      };
      return Number(stmt.run(...VIEW_COLUMNS.map((c) => full[c])).lastInsertRowid);
    })
  );
}

/** Inserts events directly; returns their ids. */
export function insertEvents(app: TestApp, rows: Partial<EventRow>[]): number[] {
  const db = app.services.db;
  const stmt = db.statement(insertSql("semantic_events", EVENT_COLUMNS));
  return db.transaction(() =>
    rows.map((row) => {
      const full: EventRow = {
        ...EVENT_DEFAULTS,
        event_type: "click",
        site_id: "shop",
        is_returning: 0,
        source: "beacon",
        bot_score: 0,
        created_at: new Date(app.clock.now).toISOString(),
        ...row,
      };
      return Number(stmt.run(...EVENT_COLUMNS.map((c) => full[c])).lastInsertRowid);
    })
  );
}

/** Registers sites directly (as the collectors do on a first hit). */
export function registerSite(app: TestApp, siteId: string, name: string | null = null): void {
  app.services.db.run(
    "INSERT OR IGNORE INTO sites (site_id, name, source) VALUES (?, ?, 'auto')",
    siteId,
    name,
  );
}

/** Every `<form … method="post">` in a page. */
export function postForms(html: string): string[] {
  return html.match(/<form\b[^>]*method="post"[^>]*>/gi) ?? [];
}

/** The href values of links marked with data-pager=`kind`. */
export function pagerHref(html: string, kind: "next" | "prev" | "first"): string | null {
  const tag = html.match(new RegExp(`<a\\b[^>]*data-pager="${kind}"[^>]*>`))?.[0];
  const href = tag?.match(/href="([^"]*)"/)?.[1];
  return href ? href.replace(/&amp;/g, "&") : null;
}

/** Values of `attribute` on the page's table rows, in order. */
export function rowValues(html: string, attribute: string): string[] {
  return [...html.matchAll(new RegExp(`<tr\\b[^>]*\\b${attribute}="([^"]*)"`, "g"))].map((m) =>
    m[1].replace(/&amp;/g, "&").replace(/&quot;/g, '"')
  );
}

/**
 * Follows the pager from `path` to the last page and back to the first, returning the row values
 * of each page visited, in order, for both walks.
 */
export async function walkPages(
  app: AdminTestApp,
  path: string,
  attribute: string,
): Promise<{ forward: string[][]; backward: string[][] }> {
  const forward: string[][] = [];
  const backward: string[][] = [];
  let html = (await adminHtml(app, path)).html;
  forward.push(rowValues(html, attribute));
  for (let next = pagerHref(html, "next"); next; next = pagerHref(html, "next")) {
    const page = await adminHtml(app, next);
    if (page.status !== 200) throw new Error(`${next}: ${page.status}`);
    html = page.html;
    forward.push(rowValues(html, attribute));
    if (forward.length > 1000) throw new Error("pager does not end");
  }
  backward.push(rowValues(html, attribute));
  for (let prev = pagerHref(html, "prev"); prev; prev = pagerHref(html, "prev")) {
    const page = await adminHtml(app, prev);
    if (page.status !== 200) throw new Error(`${prev}: ${page.status}`);
    html = page.html;
    backward.push(rowValues(html, attribute));
    if (backward.length > 1000) throw new Error("pager does not end");
  }
  return { forward, backward };
}

/** Stores a goal from the fields POST /api/goals takes (checked as it checks them). */
export async function storeGoal(app: TestApp, body: Record<string, unknown>): Promise<GoalRecord> {
  const goal = await app.services.store.goals.create(newGoal(GOAL_BODY.parse(body)));
  if (typeof goal === "string") throw new Error(`the goal ${JSON.stringify(body.name)}: ${goal}`);
  return goal;
}
