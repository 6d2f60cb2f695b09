// Trusted input on the page (issue 14 item 3): which kinds occurred and how far the pointer
// really moved, sent with the page view as `it=<kinds>.<moves>.<distance>` (bits and bounds:
// INTERACTION_KINDS in lib/ingest/hit.ts). Script-dispatched events (isTrusted false) never count;
// `scroll` is left out because a script can cause it.
import { listen, win } from "./util.ts";

const KINDS: Record<string, number> = {
  pointerdown: 1,
  click: 1,
  keydown: 2,
  wheel: 4,
  touchstart: 8,
};
/** Pointer motion counts as input once it is real motion: this many moves over this many px. */
const MIN_MOVES = 5;
const MIN_DISTANCE = 50;

let kinds = 0;
let moves = 0;
let distance = 0;
let x: number | undefined;
let y = 0;

/** The page's cumulative summary, or "" before any trusted input. */
export const interaction = (): string => kinds ? kinds + "." + moves + "." + distance : "";

/** Calls `real` at every trusted input (and once pointer motion becomes real motion). */
export function watchInput(real: () => void): void {
  for (const type in KINDS) {
    listen(win, type, (event) => {
      if (event.isTrusted) {
        kinds |= KINDS[type];
        real();
      }
    });
  }
  listen(win, "pointermove", (event: PointerEvent) => {
    if (!event.isTrusted) return;
    if (x != null && moves < 999) {
      moves++;
      distance = Math.min(
        99999,
        distance + Math.round(Math.hypot(event.clientX - x, event.clientY - y)),
      );
    }
    x = event.clientX;
    y = event.clientY;
    if (moves >= MIN_MOVES && distance >= MIN_DISTANCE && !(kinds & 16)) {
      kinds |= 16;
      real();
    }
  });
}
