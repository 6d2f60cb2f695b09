// A/B assignment (docs/architecture.md, decision 8): a deterministic, weight-respecting variant per
// visitor tab (hash of experiment id and session id), and one `exposure` event per experiment and
// page view. A variant whose id is "" is no variant: the tabs it gets are outside the experiment's
// allocation (the server's definition ends with that bucket, lib/experiments/public.ts) and send
// no exposure. Variant ids are strings: ids are stored and matched as text.
import { sid } from "./session.ts";
import { emit } from "./transport.ts";
import { hash } from "./util.ts";

export type Variant = string | { id: string; weight?: number };

let exposed: Record<string, boolean> = {};

export function resetExposures(): void {
  exposed = {};
}

/**
 * Picks a variant; `tracking` sends the exposure (opted-out visitors always get the first). Throws
 * on an empty list (the caller falls back to control).
 */
export function assign(id: string, tracking: boolean, list: Variant[]): string {
  // A weight that is not a number ≥ 0 counts as 1.
  const weights = list.map((v) =>
    (v as { weight: number }).weight >= 0 ? +(v as { weight: number }).weight : 1
  );
  let left = (hash(id + "|" + sid) / 2 ** 32) * weights.reduce((a, b) => a + b);
  let index = 0;
  while (tracking && list[index + 1] && (left -= weights[index]) >= 0) index++;
  const chosen = list[index]!;
  const variant = (chosen as { id: string }).id ?? chosen;
  if (tracking && variant && !exposed[id]) {
    exposed[id] = true;
    emit("exposure", { experiment_id: id, variant_id: variant });
  }
  return variant;
}
