// Telemetry facts on SQLite (lib/store/telemetry.ts), over lib/db/telemetry.ts.
import type { Database } from "../../db/database.ts";
import { instanceUsage } from "../../db/telemetry.ts";
import type { TelemetryStore } from "../telemetry.ts";

export function sqliteTelemetry(db: Database): TelemetryStore {
  return { usage: () => Promise.try(() => instanceUsage(db)) };
}
