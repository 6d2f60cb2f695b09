// Opt-in telemetry: the state (env > admin choice > undecided), the payload shown in Settings
// and sent verbatim, and the daily job that sends it only when opted in and an endpoint is set.
export {
  sendTelemetryIfDue,
  TELEMETRY_INTERVAL_MS,
  type TelemetryDeps,
  telemetryJob,
  type TelemetryOutcome,
} from "./job.ts";
export {
  buildTelemetryPayload,
  sitesBucket,
  telemetryJson,
  type TelemetryPayload,
  uptimeBucket,
} from "./payload.ts";
export {
  type OptInOutcome,
  setTelemetryOptIn,
  TELEMETRY_KEYS,
  type TelemetryAttempt,
  type TelemetryState,
  telemetryState,
  type TelemetryStatus,
  telemetryStatus,
} from "./state.ts";
export { type TelemetryView, telemetryView } from "./view.ts";
