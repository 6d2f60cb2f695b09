// Entry of the deferred chunk `/ea.deferred.js`: the features that lose nothing by attaching a
// moment after /ea.js (web vitals, whose observers read buffered entries; hover, which waits 1 s
// anyway), kept out of /ea.js so the script every page loads stays within its 5 KB budget. The
// chunk hands its starter to the main script by a DOM event on the document: no globals.
import { DEFERRED_EVENT, type DeferredStart } from "./deferred_api.ts";
import { observeHover } from "./hover.ts";
import { observeVitals } from "./vitals.ts";

const start: DeferredStart = ({ emit, hover, vitals }) => {
  if (hover) observeHover(emit);
  return vitals && self.PerformanceObserver ? observeVitals(emit) : () => {};
};

try {
  document.dispatchEvent(new CustomEvent(DEFERRED_EVENT, { detail: start }));
} catch {
  // No CustomEvent (very old engines): no vitals or hover, nothing else affected.
}
