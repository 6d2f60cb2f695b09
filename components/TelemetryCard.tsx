// The Settings card for opt-in telemetry: the current state and why, the exact JSON the daily
// ping would send right now, what is never sent, the last attempt, and (unless locked by
// ECHELON_TELEMETRY or read-only) a small form posting the choice to /api/telemetry. Public mode
// shows the state only: no form, no payload (it holds the uptime, which public mode redacts).
import { formatDateTime } from "../lib/admin/format.ts";
import type { TelemetryStatus, TelemetryView } from "../lib/telemetry/mod.ts";
import { BUTTON, BUTTON_SECONDARY, Card } from "./ui.tsx";

const STATE_LABEL = { on: "On", off: "Off", undecided: "Not decided" } as const;

function stateLine(status: TelemetryStatus): string {
  if (status.state === "undecided") return "Nothing is sent until you opt in.";
  if (status.state === "off") return "Nothing is sent.";
  return status.endpoint === ""
    ? "Opted in, but no endpoint is configured (ECHELON_TELEMETRY_URL), so nothing is sent."
    : `The JSON below is sent once a day to ${status.endpoint}.`;
}

export function TelemetryCard(
  props: { telemetry: TelemetryView; readOnly: boolean; timezone: string },
) {
  const { status, payloadJson } = props.telemetry;
  if (props.readOnly) {
    return (
      <Card title="Telemetry" id="telemetry">
        <p class="text-sm" id="telemetry-state" data-state={status.state}>
          {STATE_LABEL[status.state]}.
        </p>
      </Card>
    );
  }
  const locked = status.envOverride !== null;
  const attempt = status.lastAttempt;
  return (
    <Card
      title="Telemetry (opt-in)"
      id="telemetry"
      subtitle="An anonymous daily ping that tells the Echelon project which version and features are in use. Exactly the JSON below, nothing else."
    >
      <p class="text-sm" id="telemetry-state" data-state={status.state}>
        <span class="font-medium">{STATE_LABEL[status.state]}.</span> {stateLine(status)}
      </p>
      {locked && (
        <p class="mt-2 text-sm text-amber-700 dark:text-amber-300" id="telemetry-locked">
          Locked: ECHELON_TELEMETRY={status.envOverride === "on" ? "true" : "false"}{" "}
          is set in the server's environment. Unset it and restart to choose here.
        </p>
      )}
      <p class="mt-3 text-xs font-medium uppercase tracking-wide text-slate-500">
        This exact JSON, as it would be sent right now
      </p>
      <pre
        id="telemetry-payload"
        class="mt-1 max-h-80 overflow-auto rounded-md bg-slate-100 p-3 font-mono text-xs dark:bg-slate-950"
      >{payloadJson}</pre>
      <p class="mt-2 text-xs text-slate-500">
        Never sent: site ids or names, URLs or hostnames, visitor, session or event data, IP
        addresses, user agents, secrets, or any identifier of this instance. Uptime and the number
        of sites are coarse buckets.
      </p>
      {attempt && (
        <p class="mt-2 text-xs text-slate-500" id="telemetry-last">
          Last attempt {formatDateTime(attempt.at, props.timezone)}:{" "}
          {attempt.ok ? `accepted (HTTP ${attempt.status})` : `failed (${attempt.error})`}.
        </p>
      )}
      {!locked && (
        <form method="post" action="/api/telemetry" class="mt-3 flex gap-2" id="telemetry-form">
          {status.state !== "on" && (
            <button type="submit" name="optin" value="true" class={BUTTON}>
              Opt in: send this daily
            </button>
          )}
          {status.state !== "off" && (
            <button type="submit" name="optin" value="false" class={BUTTON_SECONDARY}>
              {status.state === "on" ? "Opt out" : "No thanks"}
            </button>
          )}
        </form>
      )}
    </Card>
  );
}
