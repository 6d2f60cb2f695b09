// /admin/login: the sign-in form (server-rendered, works without JavaScript) and its POST handler.
// One generic error for a wrong username or password; 5 failures per IP per 15 min, then 429 with
// Retry-After; success opens a session and returns to the admin page that sent the browser here.
import { clientIp } from "../../lib/ingest/client_ip.ts";
import { adminCredentials, credentialsMatch } from "../../lib/auth/credentials.ts";
import { csrfRefusal, requestOriginVerdict } from "../../lib/auth/csrf.ts";
import { safeNextPath } from "../../lib/auth/redirect.ts";
import {
  closeSession,
  isSecureCookieRequest,
  openSession,
  sessionCookie,
  sessionForRequest,
} from "../../lib/auth/sessions.ts";
import { page, type PageProps } from "../../lib/fresh/mod.ts";
import { readBodyCapped } from "../../lib/http_body.ts";
import { HttpError } from "../../lib/http_error.ts";
import type { Ctx, State } from "../../lib/state.ts";

type LoginProblem = "invalid" | "rate_limited" | "not_configured" | "bad_request" | "too_large";

interface Data {
  next: string;
  username: string;
  problem: LoginProblem | null;
  retryAfterMinutes: number;
  version: string;
}

const MAX_FORM_BYTES = 8 * 1024;
const MAX_USERNAME = 256;
const MAX_PASSWORD = 1024;

const redirect = (location: string, headers: HeadersInit = {}) =>
  new Response(null, { status: 303, headers: { location, ...headers } });

export const handler = {
  async GET(ctx: Ctx) {
    const services = ctx.state.services;
    const next = safeNextPath(ctx.url.searchParams.get("next"));
    if (services.config.publicMode || await sessionForRequest(services, ctx.req)) {
      return redirect(next);
    }
    return page<Data>(data(ctx, { next }));
  },

  async POST(ctx: Ctx) {
    const services = ctx.state.services;
    const { config, loginLimit } = services;
    if (config.publicMode) return redirect("/admin");
    // Login CSRF: a foreign page must not sign the browser in to an account it chose. Clients
    // that send neither Origin nor Referer (scripts) are not browsers being forged; let them be.
    if (requestOriginVerdict(ctx, config) === "foreign") return csrfRefusal();

    let form: URLSearchParams | FormData;
    try {
      form = await readForm(ctx.req);
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      const problem = error.status === 413 ? "too_large" : "bad_request";
      return page<Data>(data(ctx, { problem }), { status: error.status });
    }
    const field = (name: string) => {
      const value = form.get(name);
      return typeof value === "string" ? value : "";
    };
    const username = field("username").trim().slice(0, MAX_USERNAME);
    const password = field("password");
    const next = safeNextPath(field("next"));
    const shown = { next, username };

    const credentials = await adminCredentials(services);
    if (!credentials) {
      return page<Data>(data(ctx, { ...shown, problem: "not_configured" }), { status: 503 });
    }
    const ip = clientIp(ctx.req.headers, ctx.remoteAddr, config);
    const attempt = loginLimit.begin(ip, services.now());
    if (!attempt.allowed) {
      return page<Data>(
        data(ctx, {
          ...shown,
          problem: "rate_limited",
          retryAfterMinutes: Math.ceil(attempt.retryAfterSeconds / 60),
        }),
        { status: 429, headers: { "retry-after": String(attempt.retryAfterSeconds) } },
      );
    }
    const matches = password.length <= MAX_PASSWORD &&
      await credentialsMatch(credentials, username, password);
    if (!matches) {
      return page<Data>(data(ctx, { ...shown, problem: "invalid" }), { status: 401 });
    }

    loginLimit.clear(ip);
    await closeSession(services, ctx.req);
    const { token } = await openSession(services, {
      username: credentials.username,
      passwordHash: credentials.passwordHash,
      userAgent: ctx.req.headers.get("user-agent"),
      ip,
    });
    const secure = isSecureCookieRequest(config, ctx);
    return redirect(next, { "set-cookie": sessionCookie(token, secure) });
  },
};

function data(ctx: Ctx, fields: Partial<Data>): Data {
  return {
    next: safeNextPath(ctx.url.searchParams.get("next")),
    username: "",
    problem: null,
    retryAfterMinutes: 0,
    version: ctx.state.services.config.version,
    ...fields,
  };
}

/** The form body, urlencoded (what browsers send) or multipart, capped at MAX_FORM_BYTES. */
async function readForm(req: Request): Promise<URLSearchParams | FormData> {
  const bytes = await readBodyCapped(req, MAX_FORM_BYTES);
  const type = (req.headers.get("content-type") ?? "").toLowerCase();
  if (type.startsWith("application/x-www-form-urlencoded")) {
    return new URLSearchParams(new TextDecoder().decode(bytes));
  }
  if (type.startsWith("multipart/form-data")) {
    try {
      return await new Response(new Uint8Array(bytes), { headers: { "content-type": type } })
        .formData();
    } catch (error) {
      throw new HttpError(400, "invalid_form", "The form body could not be parsed", {
        cause: error,
      });
    }
  }
  throw new HttpError(415, "unsupported_media_type", "Send the login form as a form post");
}

const MESSAGES: Record<LoginProblem, (data: Data) => string> = {
  invalid: () => "Invalid username or password.",
  rate_limited: (d) =>
    `Too many failed attempts from your address. Try again in ${d.retryAfterMinutes} minute${
      d.retryAfterMinutes === 1 ? "" : "s"
    }.`,
  not_configured: () =>
    "No admin account is configured. Set ECHELON_USERNAME and ECHELON_PASSWORD_HASH, or " +
    "restart the server to generate a password.",
  bad_request: () => "The form could not be read. Please try again.",
  too_large: () => `The form is over the limit of ${MAX_FORM_BYTES} bytes.`,
};

const INPUT =
  "w-full rounded-lg border border-slate-300 bg-white px-3 py-2 text-slate-900 focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-500/30 dark:border-slate-700 dark:bg-slate-950 dark:text-slate-100";

export default function Login({ data }: PageProps<Data, State>) {
  return (
    <main class="mx-auto flex min-h-screen max-w-sm flex-col justify-center gap-6 p-6">
      <div class="flex items-center gap-2 text-lg font-semibold">
        <img src="/logo.svg" alt="" width="28" height="28" />
        Echelon Analytics
      </div>
      <form
        method="post"
        action="/admin/login"
        class="space-y-4 rounded-xl border border-slate-200 bg-white p-6 shadow-sm dark:border-slate-800 dark:bg-slate-900"
      >
        <h1 class="text-xl font-semibold">Sign in</h1>
        {data.problem && (
          <p
            id="login-error"
            role="alert"
            class="rounded-lg border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800 dark:border-red-900 dark:bg-red-950 dark:text-red-200"
          >
            {MESSAGES[data.problem](data)}
          </p>
        )}
        <input type="hidden" name="next" value={data.next} />
        <label class="block space-y-1">
          <span class="text-sm font-medium">Username</span>
          <input
            class={INPUT}
            type="text"
            name="username"
            value={data.username}
            autocomplete="username"
            autocapitalize="none"
            spellcheck={false}
            maxLength={MAX_USERNAME}
            required
            autofocus
          />
        </label>
        <label class="block space-y-1">
          <span class="text-sm font-medium">Password</span>
          <input
            class={INPUT}
            type="password"
            name="password"
            autocomplete="current-password"
            maxLength={MAX_PASSWORD}
            required
          />
        </label>
        <button
          type="submit"
          class="w-full rounded-lg bg-indigo-600 px-4 py-2 font-medium text-white hover:bg-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-500/50"
        >
          Sign in
        </button>
      </form>
      <p class="text-center text-xs text-slate-500">v{data.version}</p>
    </main>
  );
}
