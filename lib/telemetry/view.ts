// What the Settings card shows: the telemetry status and the exact JSON the ping would send now.
import { buildTelemetryPayload, type PayloadDeps, telemetryJson } from "./payload.ts";
import { type TelemetryStatus, telemetryStatus } from "./state.ts";

export interface TelemetryView {
  status: TelemetryStatus;
  /** The exact text the ping sends (telemetryJson of the payload built now). */
  payloadJson: string;
}

export async function telemetryView(deps: PayloadDeps): Promise<TelemetryView> {
  return {
    status: await telemetryStatus(deps),
    payloadJson: telemetryJson(await buildTelemetryPayload(deps)),
  };
}
