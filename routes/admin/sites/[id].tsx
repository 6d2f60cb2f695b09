// /admin/sites/:id: one site — the snippet to paste, and its settings form (name, consent-banner
// CSS, opt-in to scrambled form values, query parameters kept besides utm_*, time zone), POSTed
// here and stored in site_settings. The CSS is sanitised; what was removed is reported. Public mode shows
// the snippet and the settings read-only.
import { AdminShell } from "../../../components/AdminShell.tsx";
import { AnonymizedBadge } from "../../../components/AnonymizedBadge.tsx";
import { Snippet } from "../../../components/Snippet.tsx";
import { TimeZoneInput } from "../../../components/TimeZoneInput.tsx";
import {
  BUTTON,
  BUTTON_SECONDARY,
  Card,
  ErrorList,
  Field,
  INPUT,
  Notice,
} from "../../../components/ui.tsx";
import { MAX_CONSENT_CSS_LENGTH } from "../../../lib/admin/css_sanitize.ts";
import { formatDateTime } from "../../../lib/admin/format.ts";
import {
  assertWritable,
  isReadOnly,
  readForm,
  redirectWithNotice,
} from "../../../lib/admin/forms.ts";
import { type AdminFrame, loadAdminFrame } from "../../../lib/admin/frame.ts";
import {
  embedSnippet,
  MAX_ALLOWLIST_ENTRIES,
  parseSiteSettings,
  siteOfRoute,
  siteSettingsFromForm,
  updateSite,
} from "../../../lib/admin/sites.ts";
import { page, type PageProps } from "../../../lib/fresh/mod.ts";
import { publicOrigin } from "../../../lib/public_origin.ts";
import type { Ctx, State } from "../../../lib/state.ts";
import type { SiteRecord } from "../../../lib/store/sites.ts";

interface FormValues {
  name: string;
  consent_css: string;
  send_form_values: boolean;
  query_allowlist: string;
  time_zone: string;
}

interface Data {
  frame: AdminFrame;
  site: SiteRecord | null;
  origin: string;
  form: FormValues;
  errors: string[];
  notes: string[];
  /** In ECHELON_ANONYMIZE_SITES. */
  anonymized: boolean;
  /** The runtime's IANA zones, suggested by the time zone field. */
  zones: string[];
}

function formOf(site: SiteRecord): FormValues {
  return {
    name: site.name ?? "",
    consent_css: site.consent_css,
    send_form_values: site.send_form_values,
    query_allowlist: site.query_allowlist.join(", "),
    time_zone: site.time_zone,
  };
}

function render(
  ctx: Ctx,
  site: SiteRecord | null,
  extra: { form?: FormValues; errors?: string[]; notes?: string[]; status?: number } = {},
) {
  const { config } = ctx.state.services;
  return page<Data>({
    frame: loadAdminFrame(ctx),
    site,
    origin: publicOrigin(ctx, config),
    form: extra.form ??
      (site ? formOf(site) : {
        name: "",
        consent_css: "",
        send_form_values: false,
        query_allowlist: "",
        time_zone: "UTC",
      }),
    errors: extra.errors ?? [],
    notes: extra.notes ?? [],
    anonymized: site !== null && config.anonymizeSites.includes(site.site_id),
    zones: site === null || isReadOnly(ctx) ? [] : Intl.supportedValuesOf("timeZone"),
  }, { status: extra.status ?? (site ? 200 : 404) });
}

export const handler = {
  async GET(ctx: Ctx) {
    return render(ctx, await siteOfRoute(ctx));
  },

  async POST(ctx: Ctx) {
    assertWritable(ctx);
    const form = await readForm(ctx);
    const site = await siteOfRoute(ctx);
    if (!site) return render(ctx, null);
    const input = siteSettingsFromForm(form);
    const parsed = parseSiteSettings(input);
    if (!parsed.ok) {
      const echo: FormValues = {
        name: String(input.name).slice(0, 200),
        consent_css: String(input.consent_css).slice(0, MAX_CONSENT_CSS_LENGTH * 2),
        send_form_values: input.send_form_values === true,
        query_allowlist: String(input.query_allowlist).slice(0, 2000),
        time_zone: String(input.time_zone ?? site.time_zone).slice(0, 64),
      };
      return render(ctx, site, { form: echo, errors: parsed.errors, status: 400 });
    }
    const saved = await updateSite(ctx.state.services, site.site_id, parsed.value);
    if (!saved) return render(ctx, null);
    if (parsed.notes.length > 0) {
      // Show what the sanitiser changed instead of silently storing something else.
      return render(ctx, saved, { notes: parsed.notes });
    }
    return redirectWithNotice(`/admin/sites/${encodeURIComponent(saved.site_id)}`, "site_saved");
  },
};

export default function SitePage({ data }: PageProps<Data, State>) {
  const { frame, site } = data;
  if (!site) {
    return (
      <AdminShell title="Site" frame={frame} selection={false}>
        <Notice tone="warning">There is no such site.</Notice>
        <p>
          <a href="/admin/sites" class="text-indigo-600 hover:underline dark:text-indigo-400">
            All sites
          </a>
        </p>
      </AdminShell>
    );
  }
  return (
    <AdminShell
      title={site.name ? `${site.name}` : site.site_id}
      frame={frame}
      selection={false}
      subtitle={`Site ${site.site_id} · added ${formatDateTime(site.created_at, frame.timezone)} ${
        site.source === "auto" ? "by its first hit" : "by an admin"
      }`}
      actions={
        <>
          <a class={BUTTON_SECONDARY} href={`/admin?site=${encodeURIComponent(site.site_id)}`}>
            Dashboard
          </a>
          <a
            class={BUTTON_SECONDARY}
            id="site-goals-link"
            href={`/admin/sites/${encodeURIComponent(site.site_id)}/goals`}
          >
            Goals
          </a>
          <a
            class={BUTTON_SECONDARY}
            id="site-funnels-link"
            href={`/admin/sites/${encodeURIComponent(site.site_id)}/funnels`}
          >
            Funnels
          </a>
          {!frame.readOnly && (
            <a
              class={BUTTON_SECONDARY}
              href={`/admin/sites/${encodeURIComponent(site.site_id)}/delete`}
            >
              Delete…
            </a>
          )}
        </>
      }
    >
      <ErrorList errors={data.errors} />
      {data.anonymized && (
        <p id="site-anonymized" class="text-sm text-slate-600 dark:text-slate-400">
          <AnonymizedBadge />{" "}
          Listed in ECHELON_ANONYMIZE_SITES: visitor and session ids, paths, referrers, countries,
          screens, devices and UTM values are replaced by daily mappings before storage.
        </p>
      )}
      {data.notes.length > 0 && (
        <Notice tone="warning">
          Saved, with changes: {data.notes.join(" ")}
        </Notice>
      )}
      <Card title="Snippet" subtitle="Paste this tag into every page of the site.">
        <Snippet id="snippet" code={embedSnippet(data.origin, site.site_id)} />
      </Card>
      {frame.readOnly ? <ReadOnlySettings site={site} /> : <SettingsForm data={data} />}
    </AdminShell>
  );
}

function SettingsForm(props: { data: Data }) {
  const { form, site } = props.data;
  return (
    <Card title="Settings">
      <form
        method="post"
        action={`/admin/sites/${encodeURIComponent(site!.site_id)}`}
        id="site-settings"
        class="space-y-4"
      >
        <div class="max-w-sm">
          <Field label="Name">
            <input name="name" maxLength={100} value={form.name} class={INPUT} />
          </Field>
        </div>
        <Field label="Consent-banner CSS">
          <textarea
            name="consent_css"
            rows={6}
            maxLength={MAX_CONSENT_CSS_LENGTH}
            class={`${INPUT} font-mono`}
            placeholder="div { background: #0f172a; }"
            value={form.consent_css}
          />
        </Field>
        <p class="text-xs text-slate-500">
          Styles the cookie-consent banner (shown only with ECHELON_COOKIE_CONSENT). Empty uses the
          default from Settings. URLs (except inline data: images), @import, expressions and escapes
          are removed.
        </p>
        <div class="max-w-xl">
          <Field label="Query parameters to keep">
            <input
              name="query_allowlist"
              value={form.query_allowlist}
              placeholder="page, q"
              class={INPUT}
            />
          </Field>
          <p class="mt-1 text-xs text-slate-500">
            Comma-separated, at most{" "}
            {MAX_ALLOWLIST_ENTRIES}. Paths are stored without their query string except utm_* and
            these names.
          </p>
        </div>
        <div class="max-w-sm">
          <Field label="Time zone">
            <TimeZoneInput
              name="time_zone"
              value={form.time_zone}
              listId="site-time-zones"
              zones={props.data.zones}
              placeholder="UTC"
            />
          </Field>
          <p class="mt-1 text-xs text-slate-500">
            IANA name. The dashboard's days and hours for this site start at local midnight here,
            and it is the default zone of this site's queries. Stored times stay UTC.
          </p>
        </div>
        <label class="flex items-start gap-2 text-sm">
          <input
            type="checkbox"
            name="send_form_values"
            checked={form.send_form_values}
            class="mt-0.5"
          />
          <span>
            Send form values (scrambled: letters and digits replaced, shape kept; never passwords or
            hidden fields). Off by default: only a value's length is sent.
          </span>
        </label>
        <button type="submit" class={BUTTON}>Save</button>
      </form>
    </Card>
  );
}

function ReadOnlySettings(props: { site: SiteRecord }) {
  const { site } = props;
  return (
    <Card title="Settings">
      <dl class="grid gap-3 text-sm sm:grid-cols-4">
        <div>
          <dt class="text-xs uppercase text-slate-500">Form values</dt>
          <dd>{site.send_form_values ? "scrambled values sent" : "length only"}</dd>
        </div>
        <div>
          <dt class="text-xs uppercase text-slate-500">Query parameters kept</dt>
          <dd>{["utm_*", ...site.query_allowlist].join(", ")}</dd>
        </div>
        <div>
          <dt class="text-xs uppercase text-slate-500">Consent CSS</dt>
          <dd>{site.consent_css ? `${site.consent_css.length} characters` : "default"}</dd>
        </div>
        <div>
          <dt class="text-xs uppercase text-slate-500">Time zone</dt>
          <dd id="site-time-zone">{site.time_zone}</dd>
        </div>
      </dl>
    </Card>
  );
}
