// The telemetry area of the store (lib/store/types.ts): the few aggregate facts the opt-in ping
// reports about this instance's use. Never an id, a name, a URL or a count of visitors.

export interface InstanceUsage {
  sites: number;
  experiments: boolean;
  campaigns: boolean;
  perfMetrics: boolean;
}

export interface TelemetryStore {
  usage(): Promise<InstanceUsage>;
}
