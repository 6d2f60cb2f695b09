// Names of the instance settings the admin edits at run time (/admin/settings), read by the
// settings page (lib/admin/settings.ts), the debug switch (routes/api/debug.ts) and the
// collectors' cache (lib/ingest/caches.ts).
export const ADMIN_SETTING_KEYS = {
  /** "true" turns debug on at run time (ECHELON_DEBUG=true overrides it). */
  debug: "admin.debug",
  /** IANA zone admin pages show times in (defaults to ECHELON_DISPLAY_TIMEZONE). */
  displayTimezone: "admin.display_timezone",
  /** Consent-banner CSS for sites without their own (already sanitised). */
  defaultConsentCss: "admin.default_consent_css",
} as const;
