// Instance settings the admin edits at run time (/admin/settings): the debug switch (locked on by
// ECHELON_DEBUG=true), the display time zone (defaults to ECHELON_DISPLAY_TIMEZONE) and the
// default consent-banner CSS (sanitised). Stored in instance_settings; the collectors' cache is
// refreshed after a change so it applies to the next hit.
import { ADMIN_SETTING_KEYS, instanceSetting, setInstanceSetting } from "../db/settings.ts";
import type { Services } from "../services.ts";
import { MAX_CONSENT_CSS_LENGTH, sanitizeCss } from "./css_sanitize.ts";
import type { Parsed } from "./forms.ts";
import { isValidTimezone } from "./format.ts";

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

type SettingsServices = Pick<Services, "config" | "db">;

/** The display zone: the admin's choice when valid, else the environment's. */
export function displayTimezone(services: SettingsServices): string {
  const stored = instanceSetting(services.db, ADMIN_SETTING_KEYS.displayTimezone);
  return stored && isValidTimezone(stored) ? stored : services.config.displayTimezone;
}

export function readAdminSettings(services: SettingsServices): AdminSettings {
  const { config, db } = services;
  return {
    debug: {
      enabled: config.debug || instanceSetting(db, ADMIN_SETTING_KEYS.debug) === "true",
      lockedByEnv: config.debug,
    },
    displayTimezone: displayTimezone(services),
    envTimezone: config.displayTimezone,
    defaultConsentCss: instanceSetting(db, ADMIN_SETTING_KEYS.defaultConsentCss) ?? "",
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

/** Stores the settings and refreshes the collectors' cache. */
export function saveAdminSettings(services: Services, update: SettingsUpdate): void {
  const { db, collect, now } = services;
  db.transaction(() => {
    // With ECHELON_DEBUG=true the stored switch is irrelevant; keep whatever was there.
    if (!services.config.debug) {
      setInstanceSetting(db, ADMIN_SETTING_KEYS.debug, update.debug ? "true" : "false");
    }
    setInstanceSetting(db, ADMIN_SETTING_KEYS.displayTimezone, update.displayTimezone);
    setInstanceSetting(db, ADMIN_SETTING_KEYS.defaultConsentCss, update.defaultConsentCss);
  });
  collect.caches.refresh(db, now());
}
