// POST /admin/settings/keys {name, scope}: creates an API key and shows it this once, on this
// page (never in a URL or a redirect); a bad name or scope shows the form again with the reason.
// GET goes back to the Settings page, where the keys are listed. Not available in public mode.
import { AdminShell } from "../../../components/AdminShell.tsx";
import { ApiKeysCard, type ApiKeysCardProps } from "../../../components/ApiKeysCard.tsx";
import { LINK } from "../../../components/ui.tsx";
import { assertWritable, readForm, seeOther } from "../../../lib/admin/forms.ts";
import { type AdminFrame, loadAdminFrame } from "../../../lib/admin/frame.ts";
import { createKey } from "../../../lib/api/operations/keys.ts";
import { checkBody } from "../../../lib/api/validate.ts";
import { createApiKey, listApiKeys, MAX_LIVE_KEYS } from "../../../lib/auth/api_keys.ts";
import { page, type PageProps } from "../../../lib/fresh/mod.ts";
import type { Ctx, State } from "../../../lib/state.ts";

interface Data {
  frame: AdminFrame;
  card: Omit<ApiKeysCardProps, "timezone">;
}

export const handler = {
  GET() {
    return seeOther("/admin/settings");
  },

  async POST(ctx: Ctx) {
    assertWritable(ctx);
    const services = ctx.state.services;
    const form = await readForm(ctx);
    const input = checkBody(createKey, {
      name: form.get("name") ?? "",
      scope: form.get("scope") ?? "",
    });
    const errors = input.ok ? [] : input.errors;
    const outcome = input.ok ? await createApiKey(services, input.value) : null;
    if (outcome?.kind === "too_many") {
      errors.push(`At most ${MAX_LIVE_KEYS} API keys may be live at once: revoke one first.`);
    }
    const created = outcome?.kind === "created" ? outcome : null;
    return page<Data>({
      frame: loadAdminFrame(ctx),
      card: {
        keys: await listApiKeys(services),
        created,
        errors,
        form: created ? undefined : {
          name: (form.get("name") ?? "").slice(0, 128),
          scope: form.get("scope") ?? "read",
        },
      },
    }, {
      status: created ? 201 : 400,
      // The page carries a secret: never cache it.
      headers: { "cache-control": "no-store" },
    });
  },
};

export default function ApiKeyCreatedPage({ data }: PageProps<Data, State>) {
  return (
    <AdminShell title="Settings" frame={data.frame} selection={false}>
      <ApiKeysCard {...data.card} timezone={data.frame.timezone} />
      <p class="mt-4 text-sm">
        <a class={LINK} href="/admin/settings">Back to Settings</a>
      </p>
    </AdminShell>
  );
}
