// Telemetry opt-in state. ECHELON_TELEMETRY=true/false decides and locks it; otherwise the admin's
// choice (the instance setting telemetry_optin, "true"/"false"); otherwise "undecided". Nothing is
// ever sent unless the state is "on" AND ECHELON_TELEMETRY_URL names an endpoint.
import type { Config } from "../config.ts";
import type { Store } from "../store/types.ts";

export type TelemetryState = "on" | "off" | "undecided";

/** Instance setting keys (the opt-in keeps the reference's key name). */
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

type Deps = { config: Config; store: Pick<Store, "settings"> };

function stateOf(config: Config, stored: string | undefined): TelemetryState {
  if (config.telemetry !== null) return config.telemetry;
  return stored === "true" ? "on" : stored === "false" ? "off" : "undecided";
}

export async function telemetryState({ config, store }: Deps): Promise<TelemetryState> {
  return stateOf(config, (await store.settings.get(TELEMETRY_KEYS.optIn)) ?? undefined);
}

export async function telemetryStatus(deps: Deps): Promise<TelemetryStatus> {
  const stored = await deps.store.settings.getMany(Object.values(TELEMETRY_KEYS));
  const state = stateOf(deps.config, stored.get(TELEMETRY_KEYS.optIn));
  const endpoint = deps.config.telemetryUrl;
  return {
    state,
    envOverride: deps.config.telemetry,
    endpoint,
    sending: state === "on" && endpoint !== "",
    lastSentAt: stored.get(TELEMETRY_KEYS.lastSentAt) ?? null,
    lastAttempt: parseAttempt(stored.get(TELEMETRY_KEYS.lastAttempt)),
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
export async function setTelemetryOptIn(deps: Deps, optIn: boolean): Promise<OptInOutcome> {
  if (deps.config.telemetry !== null) return { kind: "locked", envOverride: deps.config.telemetry };
  await deps.store.settings.set({ [TELEMETRY_KEYS.optIn]: String(optIn) });
  return { kind: "saved", state: optIn ? "on" : "off" };
}

/** Records a ping attempt (and, when accepted, the schedule's last send) all at once. */
export function recordAttempt(deps: Pick<Deps, "store">, attempt: TelemetryAttempt): Promise<void> {
  return deps.store.settings.set({
    [TELEMETRY_KEYS.lastAttempt]: JSON.stringify(attempt),
    ...(attempt.ok ? { [TELEMETRY_KEYS.lastSentAt]: attempt.at } : {}),
  });
}
