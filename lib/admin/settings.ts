// Instance settings the admin edits at run time (/admin/settings): the debug switch (locked on by
// ECHELON_DEBUG=true), the display time zone (defaults to ECHELON_DISPLAY_TIMEZONE) and the
// default consent-banner CSS (sanitised). Stored as instance settings (lib/store/settings.ts); the
// collectors' cache is refreshed after a change so it applies to the next hit.
import type { Services } from "../services.ts";
import { ADMIN_SETTING_KEYS } from "./setting_keys.ts";
import { MAX_CONSENT_CSS_LENGTH, sanitizeCss } from "./css_sanitize.ts";
import type { Parsed } from "./forms.ts";
import { isValidTimezone } from "./format.ts";

export { ADMIN_SETTING_KEYS } from "./setting_keys.ts";

export interface AdminSettings {
  debug: {
    /** Debug is on (by the environment or the admin). */
    enabled: boolean;
    /** ECHELON_DEBUG=true: the switch cannot turn it off. */
    lockedByEnv: boolean;
  };
  /** The zone pages show times in. */
  displayTimezone: string;
  /** ECHELON_DISPLAY_TIMEZONE, used until the admin picks another. */
  envTimezone: string;
  defaultConsentCss: string;
}

type SettingsServices = Pick<Services, "config" | "store">;

const validZone = (stored: string | null | undefined, fallback: string) =>
  stored && isValidTimezone(stored) ? stored : fallback;

/** The display zone: the admin's choice when valid, else the environment's. */
export async function displayTimezone(services: SettingsServices): Promise<string> {
  const stored = await services.store.settings.get(ADMIN_SETTING_KEYS.displayTimezone);
  return validZone(stored, services.config.displayTimezone);
}

export async function readAdminSettings(services: SettingsServices): Promise<AdminSettings> {
  const { config, store } = services;
  const stored = await store.settings.getMany(Object.values(ADMIN_SETTING_KEYS));
  return {
    debug: {
      enabled: config.debug || stored.get(ADMIN_SETTING_KEYS.debug) === "true",
      lockedByEnv: config.debug,
    },
    displayTimezone: validZone(
      stored.get(ADMIN_SETTING_KEYS.displayTimezone),
      config.displayTimezone,
    ),
    envTimezone: config.displayTimezone,
    defaultConsentCss: stored.get(ADMIN_SETTING_KEYS.defaultConsentCss) ?? "",
  };
}

export interface SettingsUpdate {
  debug: boolean;
  displayTimezone: string;
  defaultConsentCss: string;
}

/**
 * Validates the settings form. The time zone must be an IANA name; the CSS is bounded and
 * sanitised, and what the sanitiser removed is reported back as a note (not an error).
 */
export function parseSettingsForm(form: URLSearchParams): Parsed<SettingsUpdate> {
  const errors: string[] = [];
  const notes: string[] = [];
  const zone = (form.get("display_timezone") ?? "").trim();
  if (!isValidTimezone(zone)) {
    errors.push(
      `Time zone: ${JSON.stringify(zone.slice(0, 64))} is not an IANA time zone name ` +
        `(for example UTC, Europe/Helsinki, America/New_York).`,
    );
  }
  const rawCss = (form.get("default_consent_css") ?? "").replace(/\r\n/g, "\n");
  if (rawCss.length > MAX_CONSENT_CSS_LENGTH) {
    errors.push(
      `Consent CSS: ${rawCss.length} characters, at most ${MAX_CONSENT_CSS_LENGTH} are allowed.`,
    );
  }
  if (errors.length > 0) return { ok: false, errors };
  const css = sanitizeCss(rawCss);
  if (css.removed.length > 0) notes.push(`Removed from the CSS: ${css.removed.join(", ")}.`);
  return {
    ok: true,
    value: { debug: form.get("debug") === "on", displayTimezone: zone, defaultConsentCss: css.css },
    notes,
  };
}

/** Stores the settings (all or none) and refreshes the collectors' cache. */
export async function saveAdminSettings(services: Services, update: SettingsUpdate): Promise<void> {
  const { store, collect, now } = services;
  await store.settings.set({
    // With ECHELON_DEBUG=true the stored switch is irrelevant; keep whatever was there.
    ...(services.config.debug ? {} : { [ADMIN_SETTING_KEYS.debug]: String(update.debug) }),
    [ADMIN_SETTING_KEYS.displayTimezone]: update.displayTimezone,
    [ADMIN_SETTING_KEYS.defaultConsentCss]: update.defaultConsentCss,
  });
  await collect.caches.refresh(store, now());
}
