// Telemetry opt-in state. ECHELON_TELEMETRY=true/false decides and locks it; otherwise the admin's
// choice (instance_settings.telemetry_optin, "true"/"false"); otherwise "undecided". Nothing is
// ever sent unless the state is "on" AND ECHELON_TELEMETRY_URL names an endpoint.
import type { Config } from "../config.ts";
import type { Database } from "../db/mod.ts";
import { instanceSetting, setInstanceSetting } from "../db/settings.ts";

export type TelemetryState = "on" | "off" | "undecided";

/** instance_settings keys (the opt-in keeps the reference's key name). */
export const TELEMETRY_KEYS = {
  optIn: "telemetry_optin",
  /** ISO instant of the last ping the endpoint accepted (2xx): the daily schedule. */
  lastSentAt: "telemetry.last_sent_at",
  /** JSON {at, ok, status, error} of the last attempt, shown in Settings. */
  lastAttempt: "telemetry.last_attempt",
} as const;

export interface TelemetryAttempt {
  at: string;
  ok: boolean;
  /** HTTP status, when the endpoint answered. */
  status: number | null;
  error: string | null;
}

export interface TelemetryStatus {
  state: TelemetryState;
  /** ECHELON_TELEMETRY's value when set; the admin cannot change the state then. */
  envOverride: "on" | "off" | null;
  /** ECHELON_TELEMETRY_URL, or "" when none is configured. */
  endpoint: string;
  /** True only when opted in and an endpoint is configured. */
  sending: boolean;
  lastSentAt: string | null;
  lastAttempt: TelemetryAttempt | null;
}

type Deps = { config: Config; db: Database };

export function telemetryState({ config, db }: Deps): TelemetryState {
  if (config.telemetry !== null) return config.telemetry;
  const stored = instanceSetting(db, TELEMETRY_KEYS.optIn);
  return stored === "true" ? "on" : stored === "false" ? "off" : "undecided";
}

export function telemetryStatus(deps: Deps): TelemetryStatus {
  const state = telemetryState(deps);
  const endpoint = deps.config.telemetryUrl;
  return {
    state,
    envOverride: deps.config.telemetry,
    endpoint,
    sending: state === "on" && endpoint !== "",
    lastSentAt: instanceSetting(deps.db, TELEMETRY_KEYS.lastSentAt) ?? null,
    lastAttempt: parseAttempt(instanceSetting(deps.db, TELEMETRY_KEYS.lastAttempt)),
  };
}

function parseAttempt(text: string | undefined): TelemetryAttempt | null {
  if (!text) return null;
  try {
    const value = JSON.parse(text);
    return typeof value === "object" && value !== null && typeof value.at === "string"
      ? value
      : null;
  } catch {
    return null;
  }
}

export type OptInOutcome = { kind: "saved"; state: TelemetryState } | {
  kind: "locked";
  envOverride: "on" | "off";
};

/** Records the admin's choice, unless ECHELON_TELEMETRY decides. */
export function setTelemetryOptIn(deps: Deps, optIn: boolean): OptInOutcome {
  if (deps.config.telemetry !== null) return { kind: "locked", envOverride: deps.config.telemetry };
  setInstanceSetting(deps.db, TELEMETRY_KEYS.optIn, optIn ? "true" : "false");
  return { kind: "saved", state: optIn ? "on" : "off" };
}

export function recordAttempt(db: Database, attempt: TelemetryAttempt): void {
  db.transaction(() => {
    setInstanceSetting(db, TELEMETRY_KEYS.lastAttempt, JSON.stringify(attempt));
    if (attempt.ok) setInstanceSetting(db, TELEMETRY_KEYS.lastSentAt, attempt.at);
  });
}
