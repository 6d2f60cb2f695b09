// /admin/settings: instance settings changed at run time — the default consent-banner CSS
// (sanitised), the debug switch (locked on when ECHELON_DEBUG=true, which the page explains) and
// the time zone admin pages show times in. One form, POSTed here. Public mode shows the values
// without the form. Below it, the API keys card (components/ApiKeysCard.tsx), whose forms post
// to /admin/settings/keys, and the admin password card (components/PasswordCard.tsx), whose form
// posts to /admin/settings/password; neither is rendered in public mode.
import { AdminShell } from "../../components/AdminShell.tsx";
import { ApiKeysCard } from "../../components/ApiKeysCard.tsx";
import { PasswordCard } from "../../components/PasswordCard.tsx";
import { TelemetryCard } from "../../components/TelemetryCard.tsx";
import { TimeZoneInput } from "../../components/TimeZoneInput.tsx";
import { BUTTON, Card, ErrorList, Field, INPUT, Notice } from "../../components/ui.tsx";
import { MAX_CONSENT_CSS_LENGTH } from "../../lib/admin/css_sanitize.ts";
import { formatDateTime } from "../../lib/admin/format.ts";
import { formPage, isReadOnly, redirectWithNotice } from "../../lib/admin/forms.ts";
import { type AdminFrame, loadAdminFrame } from "../../lib/admin/frame.ts";
import {
  type AdminSettings,
  parseSettingsForm,
  readAdminSettings,
  saveAdminSettings,
} from "../../lib/admin/settings.ts";
import { isPasswordPinnedByEnv } from "../../lib/auth/admin_password.ts";
import { type ApiKeyInfo, listApiKeys } from "../../lib/auth/api_keys.ts";
import { page, type PageProps } from "../../lib/fresh/mod.ts";
import type { Ctx, State } from "../../lib/state.ts";
import { type TelemetryView, telemetryView } from "../../lib/telemetry/mod.ts";

interface Data {
  frame: AdminFrame;
  settings: AdminSettings;
  /** Values shown in the form (the submitted ones after an error). */
  form: { debug: boolean; displayTimezone: string; defaultConsentCss: string };
  errors: string[];
  notes: string[];
  zones: string[];
  /** The API keys card's list; null in public mode (the card is not rendered). */
  apiKeys: ApiKeyInfo[] | null;
  telemetry: TelemetryView;
  /** ECHELON_USERNAME + ECHELON_PASSWORD_HASH set: the password card explains, no form. */
  passwordPinnedByEnv: boolean;
}

async function render(
  ctx: Ctx,
  extra: Partial<Pick<Data, "form" | "errors" | "notes">> = {},
  status = 200,
) {
  const settings = await readAdminSettings(ctx.state.services);
  return page<Data>({
    frame: loadAdminFrame(ctx),
    settings,
    form: extra.form ?? {
      debug: settings.debug.enabled,
      displayTimezone: settings.displayTimezone,
      defaultConsentCss: settings.defaultConsentCss,
    },
    errors: extra.errors ?? [],
    notes: extra.notes ?? [],
    zones: Intl.supportedValuesOf("timeZone"),
    apiKeys: isReadOnly(ctx) ? null : await listApiKeys(ctx.state.services),
    telemetry: await telemetryView(ctx.state.services),
    passwordPinnedByEnv: isPasswordPinnedByEnv(ctx.state.services.config),
  }, { status });
}

export const handler = formPage(
  (ctx, errors, status) => render(ctx, { errors }, status),
  async (ctx, form) => {
    const parsed = parseSettingsForm(form);
    if (!parsed.ok) {
      return render(ctx, {
        errors: parsed.errors,
        form: {
          debug: form.get("debug") === "on",
          displayTimezone: (form.get("display_timezone") ?? "").slice(0, 64),
          defaultConsentCss: (form.get("default_consent_css") ?? "").slice(
            0,
            MAX_CONSENT_CSS_LENGTH * 2,
          ),
        },
      }, 400);
    }
    await saveAdminSettings(ctx.state.services, parsed.value);
    if (parsed.notes.length > 0) return render(ctx, { notes: parsed.notes });
    return redirectWithNotice("/admin/settings", "settings_saved");
  },
);

export default function SettingsPage({ data }: PageProps<Data, State>) {
  const { frame, settings } = data;
  return (
    <AdminShell title="Settings" frame={frame} selection={false}>
      <ErrorList errors={data.errors} />
      {data.notes.length > 0 && (
        <Notice tone="warning">Saved, with changes: {data.notes.join(" ")}</Notice>
      )}
      {frame.readOnly ? <ReadOnly settings={settings} /> : <SettingsForm data={data} />}
      <TelemetryCard
        telemetry={data.telemetry}
        readOnly={frame.readOnly}
        timezone={settings.displayTimezone}
      />
      {data.apiKeys && (
        <div class="mt-5">
          <ApiKeysCard keys={data.apiKeys} timezone={settings.displayTimezone} />
        </div>
      )}
      {!frame.readOnly && (
        <div class="mt-5">
          <PasswordCard pinnedByEnv={data.passwordPinnedByEnv} />
        </div>
      )}
    </AdminShell>
  );
}

function SettingsForm(props: { data: Data }) {
  const { form, settings, zones, frame } = props.data;
  const locked = settings.debug.lockedByEnv;
  return (
    <form method="post" action="/admin/settings" id="settings-form" class="space-y-5">
      <Card
        title="Display time zone"
        subtitle={`Times are stored in UTC and shown in this zone. The environment's default is ${settings.envTimezone}.`}
      >
        <div class="max-w-sm">
          <Field label="IANA time zone">
            <TimeZoneInput
              name="display_timezone"
              value={form.displayTimezone}
              listId="time-zones"
              zones={zones}
              required
            />
          </Field>
          <p class="mt-1 text-xs text-slate-500">
            Now: {formatDateTime(frame.now, settings.displayTimezone)} ({settings.displayTimezone})
          </p>
        </div>
      </Card>

      <Card
        title="Debug"
        subtitle="Logs each dropped hit's reason (at most 10 lines a second), adds it to /b.gif and /e responses (x-echelon-drop header), and serves the tracker's debug build (console tracing) from /ea.js. Applies at once here, within 30 s on other instances; browsers may keep the previous /ea.js for 5 minutes."
      >
        <label class="flex items-start gap-2 text-sm">
          <input
            type="checkbox"
            name="debug"
            id="debug-toggle"
            checked={form.debug}
            disabled={locked}
            class="mt-0.5"
          />
          <span>Debug mode</span>
        </label>
        {locked && (
          <p class="mt-2 text-sm text-amber-700 dark:text-amber-300" id="debug-locked">
            Locked on: ECHELON_DEBUG=true is set in the server's environment. Unset it and restart
            to control debug from here.
          </p>
        )}
      </Card>

      <Card
        title="Default consent-banner CSS"
        subtitle="Used by every site without its own CSS (set per site under Sites)."
      >
        <textarea
          name="default_consent_css"
          rows={8}
          maxLength={MAX_CONSENT_CSS_LENGTH}
          class={`${INPUT} font-mono`}
          placeholder="div { background: #0f172a; } button { background: #4f46e5; color: #fff; }"
          value={form.defaultConsentCss}
        />
        <p class="mt-1 text-xs text-slate-500">
          At most {MAX_CONSENT_CSS_LENGTH}{" "}
          characters. URLs (except inline data: images), @import, expression(), javascript:,
          behavior, -moz-binding, escapes and control characters are removed before saving.
        </p>
      </Card>
      <button type="submit" class={BUTTON}>Save settings</button>
    </form>
  );
}

function ReadOnly(props: { settings: AdminSettings }) {
  const { settings } = props;
  return (
    <Card title="Instance">
      <dl class="grid gap-3 text-sm sm:grid-cols-3">
        <div>
          <dt class="text-xs uppercase text-slate-500">Time zone</dt>
          <dd>{settings.displayTimezone}</dd>
        </div>
        <div>
          <dt class="text-xs uppercase text-slate-500">Debug</dt>
          <dd>{settings.debug.enabled ? "on" : "off"}</dd>
        </div>
        <div>
          <dt class="text-xs uppercase text-slate-500">Default consent CSS</dt>
          <dd>
            {settings.defaultConsentCss
              ? `${settings.defaultConsentCss.length} characters`
              : "none"}
          </dd>
        </div>
      </dl>
    </Card>
  );
}
