// The "why excluded" view (issue 14 item 5): hits not counted by their stored main reason, each
// with the registry's label, explanation and group, for the Bots page and the bots API.
import type { GroupCount, ReasonCount } from "../store/bots.ts";
import { SIGNAL_GROUPS, type SignalGroup, signalInfo } from "./signals.ts";
import { UNVERIFIED_REASON } from "./thresholds.ts";

export interface ExplainedReason extends ReasonCount {
  label: string;
  explanation: string;
  group: SignalGroup | "other";
  /** True for `no_interaction`: a reader with a valid proof who never touched the page. */
  unverified: boolean;
}

export interface ExplainedGroup extends GroupCount {
  label: string;
}

const UNKNOWN = {
  label: "Unknown",
  explanation: "Stored without a recognised reason (a signal this version does not list).",
  group: "other" as const,
};

export function explainReasons(rows: readonly ReasonCount[]): ExplainedReason[] {
  return rows.map((row) => {
    const info = signalInfo(row.reason) ?? UNKNOWN;
    return {
      ...row,
      label: info.label,
      explanation: info.explanation,
      group: info.group,
      unverified: row.reason === UNVERIFIED_REASON,
    };
  });
}

export function explainGroups(rows: readonly GroupCount[]): ExplainedGroup[] {
  return rows.map((row) => ({
    ...row,
    label: Object.hasOwn(SIGNAL_GROUPS, row.group)
      ? SIGNAL_GROUPS[row.group as SignalGroup]
      : "Other",
  }));
}
