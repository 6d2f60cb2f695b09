// A/B assignment (docs/architecture.md, decision 8): a deterministic, weight-respecting variant per
// visitor tab (hash of experiment id and session id), and one `exposure` event per experiment and
// page view.
import { sid } from "./session.ts";
import { emit } from "./transport.ts";
import { cut, hash } from "./util.ts";

export type Variant = string | { id: string; weight?: number };

let exposed: Record<string, boolean> = {};

export function resetExposures(): void {
  exposed = {};
}

/** Picks a variant; `tracking` sends the exposure (opted-out visitors always get the first). */
export function assign(id: string, variants: Variant[] | undefined, tracking: boolean): string {
  const list = variants?.length ? variants : ["control", "variant"];
  const weights = list.map((v) => {
    const weight = (v as { weight?: number }).weight!;
    return weight >= 0 ? +weight : 1;
  });
  let left = (hash(id + "|" + sid) / 2 ** 32) * weights.reduce((a, b) => a + b);
  let index = 0;
  while (tracking && index < list.length - 1 && (left -= weights[index]) >= 0) index++;
  const chosen = list[index];
  const variant = "" + ((chosen as { id?: string }).id ?? chosen);
  if (tracking && !exposed[id]) {
    exposed[id] = true;
    emit("exposure", { experiment_id: cut(id, 128), variant_id: cut(variant, 128) });
  }
  return variant;
}
