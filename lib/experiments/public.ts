// What the tracker fetches when `echelon.experiment(id)` is called without variants (GET /x?<id>,
// routes/x.ts): the experiment's variants as the tracker's assignment reads them — the control
// first, then the others, each {id, weight} — and, when the allocation is below 100 %, a last
// bucket {id: "", weight} holding the tabs outside the experiment (they get no variant and send no
// exposure). Only a running experiment (active or paused: the tracker cannot see pauses) has one;
// nothing about visitors is in it, so browsers and proxies may cache it for a minute.
import type { Experiment } from "./model.ts";

export interface TrackerBucket {
  id: string;
  weight: number;
}

/** Seconds a browser or proxy may keep a definition (a start or completion shows after that). */
export const TRACKER_DEFINITION_MAX_AGE = 60;

/** The buckets of a running experiment, or null (not running: the tracker falls back). */
export function trackerDefinition(experiment: Experiment): TrackerBucket[] | null {
  if (experiment.status !== "active" && experiment.status !== "paused") return null;
  const ordered = [
    ...experiment.variants.filter((v) => v.is_control),
    ...experiment.variants.filter((v) => !v.is_control),
  ];
  const buckets = ordered.map((v) => ({ id: v.variant_id, weight: v.weight }));
  const allocation = experiment.allocation_percent;
  if (allocation < 100) {
    const enrolled = buckets.reduce((sum, b) => sum + b.weight, 0);
    buckets.push({ id: "", weight: (enrolled * (100 - allocation)) / allocation });
  }
  return buckets;
}
