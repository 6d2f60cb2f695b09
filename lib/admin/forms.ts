// Plain HTML forms on admin pages (no JavaScript): reading a posted form with a size cap,
// refusing writes in public mode, redirecting back after a change (303, Post/Redirect/Get) with
// a notice code the next page turns into a message, validating where "back" may point, and the
// GET/POST handler pair of a page whose form posts back to it.
import type { HandlerFn } from "../fresh/mod.ts";
import { readBodyCapped } from "../http_body.ts";
import { HttpError } from "../http_error.ts";
import type { Ctx, State } from "../state.ts";
import { parseSite } from "./period.ts";

export const MAX_FORM_BYTES = 32 * 1024;

/** A validated input: the value with notes for the admin, or the reasons it was refused. */
export type Parsed<T> =
  | { ok: true; value: T; notes: string[] }
  | { ok: false; errors: string[] };

/** True when the instance is read-only for this request (ECHELON_PUBLIC_MODE). */
export function isReadOnly(ctx: Ctx): boolean {
  return ctx.state.publicMode || ctx.state.services.config.publicMode;
}

/** Every admin write starts here: public mode refuses it (the middleware does too). */
export function assertWritable(ctx: Ctx): void {
  if (isReadOnly(ctx)) {
    throw new HttpError(403, "read_only", "This is a public read-only instance.");
  }
}

/** The posted form fields (application/x-www-form-urlencoded), at most 32 KB. */
export async function readForm(ctx: Ctx): Promise<URLSearchParams> {
  const type = (ctx.req.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded") {
    await ctx.req.body?.cancel().catch(() => {});
    throw new HttpError(
      415,
      "unsupported_media_type",
      `Expected a form (application/x-www-form-urlencoded), got ${JSON.stringify(type)}`,
    );
  }
  const bytes = await readBodyCapped(ctx.req, MAX_FORM_BYTES);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new HttpError(400, "invalid_form", "The form is not valid UTF-8");
  }
  return new URLSearchParams(text);
}

/** Messages for the `notice` codes admin pages redirect with (never free text from the URL). */
export const NOTICES = {
  excluded: "Visitor excluded: their hits are dropped and they no longer count in stats.",
  included: "Visitor included again: their hits count from now on.",
  site_added: "Site added. Paste the snippet below into its pages.",
  site_registered: "Site registered (it was already known from its hits).",
  site_exists: "That site already exists.",
  site_saved: "Site settings saved.",
  site_deleted: "Site deleted.",
  settings_saved: "Settings saved.",
  password_changed: "Password changed: every other device was signed out, this one stays.",
  campaign_created: "Campaign registered: links tagged with its utm_campaign count from now on.",
  campaign_saved: "Campaign saved.",
  campaign_deleted: "Campaign deleted. Views already counted keep their UTM values.",
  telemetry_on: "Telemetry on: the JSON shown below is sent once a day (when an endpoint is set).",
  telemetry_off: "Telemetry off: nothing is sent.",
  key_revoked: "API key revoked: requests with it are refused from now on.",
  segment_saved: "Segment saved: apply it from the Segments line of the filters.",
  segment_exists: "Segment not saved: this site already has a segment of that name.",
  goal_saved: "Goal saved: every report counts its conversions from now on, past visits included.",
  funnel_saved: "Funnel saved.",
  funnel_deleted: "Funnel deleted.",
  goal_deleted: "Goal deleted. The visits stay; their conversions are no longer counted.",
  segment_invalid:
    "Segment not saved: it needs a name (at most 100 characters) and at least one valid filter.",
  annotation_saved: "Annotation added: it shows on the site's trend charts.",
  annotation_deleted: "Annotation deleted.",
  annotation_gone: "That annotation was already deleted.",
  annotation_no_site: "Annotation not saved: pick a site first.",
  annotation_invalid_date:
    'Annotation not saved: the date must be a day (YYYY-MM-DD) or an instant with its offset (e.g. "2026-12-07T14:03:00Z").',
  annotation_invalid_text: "Annotation not saved: the note needs 1-500 characters of text.",
} as const;

export type NoticeCode = keyof typeof NOTICES;

export function noticeFrom(url: URL): string | null {
  const code = url.searchParams.get("notice");
  return code !== null && Object.hasOwn(NOTICES, code) ? NOTICES[code as NoticeCode] : null;
}

/**
 * An admin-local path to return to after a form, from the form's `return_to` field: only
 * same-origin paths under /admin are accepted (no `//host`, no backslash tricks).
 */
export function safeReturnPath(raw: string | null, fallback: string): string {
  if (!raw || !raw.startsWith("/admin") || raw.includes("\\")) return fallback;
  try {
    const url = new URL(raw, "http://admin.invalid");
    if (url.origin !== "http://admin.invalid" || !/^\/admin(\/|$)/.test(url.pathname)) {
      return fallback;
    }
    return url.pathname + url.search;
  } catch {
    return fallback;
  }
}

/**
 * A dashboard form about one site (its `site` and `return_to` fields), read after the public-mode
 * check: the form, where to go back to (that site's dashboard by default), and the site when it
 * is a known one (null otherwise).
 */
export async function readSiteForm(
  ctx: Ctx,
): Promise<{ form: URLSearchParams; back: string; site: string | null }> {
  assertWritable(ctx);
  const form = await readForm(ctx);
  const site = parseSite(form.get("site"));
  const back = safeReturnPath(form.get("return_to"), site ? `/admin?site=${site}` : "/admin");
  const known = site !== null && (await ctx.state.services.store.sites.get(site)) !== null;
  return { form, back, site: known ? site : null };
}

/** 303 to an admin page (a GET of a form's target goes back to the page holding the form). */
export function seeOther(path: string): Response {
  return new Response(null, { status: 303, headers: { location: path } });
}

/** 303 to `path` with `notice` set (and any previous notice replaced). */
export function redirectWithNotice(path: string, notice: NoticeCode): Response {
  const url = new URL(path, "http://admin.invalid");
  url.searchParams.set("notice", notice);
  return new Response(null, {
    status: 303,
    headers: { location: url.pathname + url.search },
  });
}

/** What a page handler returns: a response or a page result, now or later. */
type Reply = ReturnType<HandlerFn<State>>;

/** Renders an admin page, after a refused form with the messages and the status to show. */
export type RenderPage = (ctx: Ctx, errors?: string[], status?: number) => Reply;

/**
 * The handlers of an admin page whose form posts back to it. GET renders the page. POST refuses
 * writes in public mode and a body that is not a form (those go to the error page), then runs
 * `act` with the form; a refusal `act` throws (an HttpError with a 4xx status: a stale status, an
 * unconfirmed deletion) renders the page again with its message and status. Anything else
 * propagates.
 */
export function formPage(
  render: RenderPage,
  act: (ctx: Ctx, form: URLSearchParams) => Reply,
): { GET: (ctx: Ctx) => Reply; POST: (ctx: Ctx) => Promise<Awaited<Reply>> } {
  return {
    GET: (ctx) => render(ctx),
    async POST(ctx) {
      assertWritable(ctx);
      const form = await readForm(ctx);
      try {
        return await act(ctx, form);
      } catch (error) {
        if (!(error instanceof HttpError) || error.status >= 500) throw error;
        return render(ctx, [error.message], error.status);
      }
    },
  };
}

/**
 * A deletion goes ahead only when the form's `confirm` field names the record: the one the
 * confirmation page was rendered for (not a stray or replayed POST for another id).
 */
export function assertConfirmed(form: URLSearchParams, id: string): void {
  if (form.get("confirm") !== id) {
    throw new HttpError(
      400,
      "unconfirmed",
      "Confirm the deletion with the button on this page.",
    );
  }
}
