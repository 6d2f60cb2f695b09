// The few aggregate facts the opt-in telemetry ping reports about this instance's use: how many
// sites are registered (bucketed by the caller) and whether experiments, campaigns and perf
// metrics exist at all. Never an id, a name, a URL or a count of visitors.
import type { InstanceUsage } from "../store/telemetry.ts";
import type { Database } from "./database.ts";

export type { InstanceUsage } from "../store/telemetry.ts";

export function instanceUsage(db: Database): InstanceUsage {
  const exists = (table: string) => db.get(`SELECT 1 AS found FROM ${table} LIMIT 1`) !== undefined;
  return {
    sites: db.get<{ n: number }>("SELECT COUNT(*) AS n FROM sites")?.n ?? 0,
    experiments: exists("experiments"),
    campaigns: exists("utm_campaigns"),
    perfMetrics: exists("perf_metrics"),
  };
}
