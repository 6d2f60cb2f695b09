// POST /admin/settings/password {current_password, new_password, repeat_password}: changes the
// admin password (lib/auth/admin_password.ts, as `deno task admin reset-password` does). The
// current password is checked under the login rate limit (5 wrong per IP per 15 min); every other
// session ends, this one stays. A refusal shows the card again with the reason; GET shows the form
// on its own page. Refused in public mode (no login there) and when the environment pins the account.
import { AdminShell } from "../../../components/AdminShell.tsx";
import { PasswordCard } from "../../../components/PasswordCard.tsx";
import { LINK } from "../../../components/ui.tsx";
import { assertWritable, readForm, redirectWithNotice } from "../../../lib/admin/forms.ts";
import { type AdminFrame, loadAdminFrame } from "../../../lib/admin/frame.ts";
import {
  isPasswordPinnedByEnv,
  MAX_PASSWORD_LENGTH,
  PasswordChangeError,
  setAdminPassword,
} from "../../../lib/auth/admin_password.ts";
import { adminCredentials } from "../../../lib/auth/credentials.ts";
import { verifyPassword } from "../../../lib/auth/password.ts";
import { sessionForRequest } from "../../../lib/auth/sessions.ts";
import { page, type PageProps } from "../../../lib/fresh/mod.ts";
import { clientIp } from "../../../lib/ingest/client_ip.ts";
import type { Ctx, State } from "../../../lib/state.ts";

interface Data {
  frame: AdminFrame;
  pinnedByEnv: boolean;
  errors: string[];
}

function refused(ctx: Ctx, errors: string[], status: number, headers: HeadersInit = {}) {
  return page<Data>({
    frame: loadAdminFrame(ctx),
    pinnedByEnv: isPasswordPinnedByEnv(ctx.state.services.config),
    errors,
  }, { status, headers });
}

export const handler = {
  GET(ctx: Ctx) {
    return page<Data>({
      frame: loadAdminFrame(ctx),
      pinnedByEnv: isPasswordPinnedByEnv(ctx.state.services.config),
      errors: [],
    });
  },

  async POST(ctx: Ctx) {
    assertWritable(ctx);
    const services = ctx.state.services;
    const { config, loginLimit } = services;
    const form = await readForm(ctx);
    if (isPasswordPinnedByEnv(config)) return refused(ctx, [], 409);
    const current = form.get("current_password") ?? "";
    const next = form.get("new_password") ?? "";
    if (next !== (form.get("repeat_password") ?? "")) {
      return refused(ctx, ["The new passwords differ; nothing was changed."], 400);
    }
    const session = await sessionForRequest(services, ctx.req);
    const credentials = await adminCredentials(services);
    if (!session || !credentials) return refused(ctx, ["Sign in again first."], 401);
    const ip = clientIp(ctx.req.headers, ctx.remoteAddr, config);
    const attempt = loginLimit.begin(ip, services.now());
    if (!attempt.allowed) {
      return refused(
        ctx,
        [`Too many wrong passwords: try again in ${
          Math.ceil(attempt.retryAfterSeconds / 60)
        } min.`],
        429,
        { "retry-after": String(attempt.retryAfterSeconds) },
      );
    }
    if (
      current.length > MAX_PASSWORD_LENGTH ||
      !await verifyPassword(current, credentials.passwordHash)
    ) {
      return refused(ctx, ["The current password is wrong; nothing was changed."], 403);
    }
    loginLimit.clear(ip);
    try {
      await setAdminPassword(services, next, { keepTokenHash: session.tokenHash });
    } catch (error) {
      if (error instanceof PasswordChangeError) return refused(ctx, [error.message], 400);
      throw error;
    }
    return redirectWithNotice("/admin/settings", "password_changed");
  },
};

export default function PasswordPage({ data }: PageProps<Data, State>) {
  return (
    <AdminShell title="Settings" frame={data.frame} selection={false}>
      <PasswordCard pinnedByEnv={data.pinnedByEnv} errors={data.errors} />
      <p class="mt-4 text-sm">
        <a class={LINK} href="/admin/settings">Back to Settings</a>
      </p>
    </AdminShell>
  );
}
