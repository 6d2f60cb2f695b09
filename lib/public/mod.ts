// Public mode at request time: lib/public/policy.ts applied to the requests that get the public
// view (ECHELON_PUBLIC_MODE and no valid credentials). The API middleware refuses a route the
// policy does not list and reduces each JSON answer to its shape; a CSV export keeps the listed
// sections; the admin middleware refuses pages that are not public.
import type { CsvSection } from "../export/csv.ts";
import { HttpError, jsonError } from "../http_error.ts";
import type { Ctx } from "../state.ts";
import { isPublicPage, type PublicJson, publicRead } from "./policy.ts";
import { NOT_PUBLIC } from "./refusal.ts";
import { publicCopy, type Shape, strings } from "./shape.ts";

export { isPublicPage, PUBLIC_ADMIN_PAGES, PUBLIC_API, publicRead } from "./policy.ts";
export { NOT_PUBLIC } from "./refusal.ts";

const REASON = "is not available on a public read-only instance, which shows aggregates only";

/** An error answer keeps its code and message (they name the parameter, never stored data). */
const ERROR: Shape = strings("error", "message");

/** True when this request gets public mode's view (set per request by the middleware). */
export function isPublicView(ctx: Ctx): boolean {
  return ctx.state.publicMode;
}

/** The refusal of a page public mode does not serve (rendered by the error page). */
export function notPublicPage(): HttpError {
  return new HttpError(403, NOT_PUBLIC, `This page ${REASON}.`);
}

/**
 * An API read by a public-view caller: refused unless the policy lists the route, else the
 * route's answer reduced to the listed fields (CSV exports filter their own sections).
 */
export async function publicApiRead(ctx: Ctx): Promise<Response> {
  // No route: the router answers 404 as it would for anyone.
  if (ctx.route === null) return await ctx.next();
  const read = publicRead(ctx.route);
  if (read === null) {
    return jsonError(403, NOT_PUBLIC, `${ctx.route} ${REASON}.`);
  }
  const response = await ctx.next();
  if (!("json" in read)) return response;
  return await reducedJson(ctx, response, read);
}

async function reducedJson(ctx: Ctx, response: Response, read: PublicJson): Promise<Response> {
  const type = response.headers.get("content-type") ?? "";
  if (response.body !== null && !type.startsWith("application/json")) {
    await response.body.cancel();
    throw new Error(`${ctx.route} answered ${type || "no content type"}, not the JSON it declares`);
  }
  const headers = new Headers(response.headers);
  headers.delete("content-length");
  if (response.body === null) return new Response(null, { status: response.status, headers });
  const shape = !response.ok
    ? ERROR
    : typeof read.json === "function"
    ? read.json(ctx.url)
    : read.json;
  const body = publicCopy(await response.json(), shape) ?? null;
  return Response.json(body, { status: response.status, headers });
}

/** The sections of a CSV export this request may download (all of them with credentials). */
export function publicSections(ctx: Ctx, sections: CsvSection[]): CsvSection[] {
  if (!isPublicView(ctx)) return sections;
  const read = ctx.route === null ? null : publicRead(ctx.route);
  const allowed = new Set(read !== null && "csvSections" in read ? read.csvSections : []);
  return sections.filter((section) => allowed.has(section.title));
}

/** The admin middleware's check in public mode: a page the policy does not list is refused. */
export function assertPublicPage(ctx: Ctx): void {
  if (ctx.route !== null && !isPublicPage(ctx.route)) throw notPublicPage();
}
