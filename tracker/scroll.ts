// Scroll: milestones 25/50/75/90/100 sent once per page view as `scroll_depth` (T9), and the
// maximum depth reached as a percentage for `pageview_end` (Nanolytica, reference §12).
import { hasAttr } from "./config.ts";
import { emit } from "./transport.ts";
import { doc, listen, win } from "./util.ts";

let reached: number[];
/** Lowest document offset (px) the bottom edge of the viewport has reached. */
let deepest: number;
let frame = 0;

export function resetScroll(): void {
  reached = [];
  deepest = 0;
}

export function startScroll(): void {
  const milestones = !hasAttr("no-scroll");
  resetScroll();
  listen(win, "scroll", () => {
    frame ||= requestAnimationFrame(() => {
      frame = 0;
      const scrollable = measure() - innerHeight;
      const pct = (scrollY / scrollable) * 100;
      if (!milestones || scrollable <= 0) return;
      for (const depth of [25, 50, 75, 90, 100]) {
        if (Math.round(pct) >= depth && reached.indexOf(depth) < 0) {
          reached.push(depth);
          emit("scroll_depth", { depth });
        }
      }
    });
  });
}

/** Records the current depth; returns the document height measured now. */
function measure(): number {
  deepest = Math.max(deepest, scrollY + innerHeight);
  return doc.documentElement.scrollHeight;
}

/**
 * Maximum depth in percent against the height measured at report time, so content loaded lazily
 * after the visitor scrolled still counts; a page shorter than the viewport counts as 100.
 */
export function scrollPercent(): number {
  const height = measure();
  return Math.min(100, Math.round((deepest / height) * 100)) || 0;
}
