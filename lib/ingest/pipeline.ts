// A named sequence of small steps (CONTRIBUTING.md, code rule 4). Each step enriches the hit in
// place or returns the reason to drop it; the first drop ends the run and is reported with the
// step's name.
import type { DropReason } from "./types.ts";

export interface Step<Hit> {
  name: string;
  run(hit: Hit): DropReason | void;
}

export interface PipelineResult {
  drop: DropReason | null;
  step: string | null;
}

const PASSED: PipelineResult = Object.freeze({ drop: null, step: null });

export function runPipeline<Hit>(steps: readonly Step<Hit>[], hit: Hit): PipelineResult {
  for (const step of steps) {
    const drop = step.run(hit);
    if (drop) return { drop, step: step.name };
  }
  return PASSED;
}
