// The daily telemetry ping. An hourly job checks; it sends only when the state is "on", an
// endpoint is configured and the last accepted ping is a day old (so a failure is retried an hour
// later, and restarts do not send twice). The POST carries the exact JSON Settings shows, has a
// timeout, follows no redirect and sends no credentials; a failure is logged and recorded, never
// thrown at a request — the job runner runs it off the request path.
import type { Job } from "../jobs.ts";
import type { Logger } from "../log.ts";
import { buildTelemetryPayload, type PayloadDeps, telemetryJson } from "./payload.ts";
import { recordAttempt, telemetryStatus } from "./state.ts";

export const TELEMETRY_INTERVAL_MS = 24 * 3_600_000;
export const TELEMETRY_CHECK_EVERY_MS = 3_600_000;
export const TELEMETRY_TIMEOUT_MS = 10_000;

export interface TelemetryDeps extends PayloadDeps {
  log: Logger;
}

export type TelemetryOutcome =
  | { sent: false; reason: "not_opted_in" | "no_endpoint" | "not_due" }
  | { sent: true; ok: boolean; status: number | null; body: string };

export async function sendTelemetryIfDue(
  deps: TelemetryDeps,
  options: { timeoutMs?: number } = {},
): Promise<TelemetryOutcome> {
  const status = await telemetryStatus(deps);
  if (status.state !== "on") return { sent: false, reason: "not_opted_in" };
  if (status.endpoint === "") return { sent: false, reason: "no_endpoint" };
  const now = deps.now();
  const last = status.lastSentAt ? Date.parse(status.lastSentAt) : NaN;
  if (Number.isFinite(last) && now - last < TELEMETRY_INTERVAL_MS) {
    return { sent: false, reason: "not_due" };
  }
  const body = telemetryJson(await buildTelemetryPayload(deps));
  const at = new Date(now).toISOString();
  try {
    const res = await fetch(status.endpoint, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
      redirect: "error",
      credentials: "omit",
      signal: AbortSignal.timeout(options.timeoutMs ?? TELEMETRY_TIMEOUT_MS),
    });
    await res.body?.cancel().catch(() => {});
    const ok = res.status >= 200 && res.status < 300;
    await recordAttempt(deps, {
      at,
      ok,
      status: res.status,
      error: ok ? null : `HTTP ${res.status}`,
    });
    if (!ok) deps.log.warn("telemetry ping refused", { status: res.status });
    return { sent: true, ok, status: res.status, body };
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    await recordAttempt(deps, { at, ok: false, status: null, error: message.slice(0, 200) });
    deps.log.warn("telemetry ping failed", { error: message });
    return { sent: true, ok: false, status: null, body };
  }
}

export function telemetryJob(deps: TelemetryDeps): Job {
  return {
    name: "telemetry",
    everyMs: TELEMETRY_CHECK_EVERY_MS,
    // Not at boot: a crash loop must not turn into a ping storm, and the admin gets time to see
    // the setting on a fresh install.
    firstRunMs: 10 * 60_000,
    run: async () => void await sendTelemetryIfDue(deps),
  };
}
