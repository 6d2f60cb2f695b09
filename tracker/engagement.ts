// Active engagement time (Nanolytica, reference §12): milliseconds only while the tab is visible
// and focused, sent once per page view as `pageview_end {engaged_ms, scroll_pct, path}` on hide,
// pagehide or SPA navigation.
import { viewSent } from "./pageview.ts";
import { scrollPercent } from "./scroll.ts";
import { emit } from "./transport.ts";
import { doc, now } from "./util.ts";

let engagedMs = 0;
let activeSince = 0;
let ended = false;

/** Re-reads visibility and focus; called on every event that may change either. */
export function updateEngagement(): void {
  const at = now();
  if (activeSince) engagedMs += at - activeSince;
  activeSince = doc.visibilityState == "visible" && doc.hasFocus() ? at : 0;
}

export function resetEngagement(): void {
  engagedMs = activeSince = 0;
  ended = false;
  updateEngagement();
}

export function endPageView(): void {
  if (ended || !viewSent) return;
  ended = true;
  updateEngagement();
  emit("pageview_end", { engaged_ms: engagedMs, scroll_pct: scrollPercent() });
}
