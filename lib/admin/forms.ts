// Plain HTML forms on admin pages (no JavaScript): reading a posted form with a size cap,
// refusing writes in public mode, redirecting back after a change (303, Post/Redirect/Get) with
// a notice code the next page turns into a message, and validating where "back" may point.
import { readBodyCapped } from "../http_body.ts";
import { HttpError } from "../http_error.ts";
import type { Ctx } from "../state.ts";

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
  campaign_created: "Campaign registered: links tagged with its utm_campaign count from now on.",
  campaign_saved: "Campaign saved.",
  campaign_deleted: "Campaign deleted. Views already counted keep their UTM values.",
  telemetry_on: "Telemetry on: the JSON shown below is sent once a day (when an endpoint is set).",
  telemetry_off: "Telemetry off: nothing is sent.",
  key_revoked: "API key revoked: requests with it are refused from now on.",
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

/** 303 to `path` with `notice` set (and any previous notice replaced). */
export function redirectWithNotice(path: string, notice: NoticeCode): Response {
  const url = new URL(path, "http://admin.invalid");
  url.searchParams.set("notice", notice);
  return new Response(null, {
    status: 303,
    headers: { location: url.pathname + url.search },
  });
}
