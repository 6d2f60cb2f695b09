// Entry of the deferred chunk `/ea.deferred.js`: the features that lose nothing by attaching a
// moment after /ea.js (web vitals, whose observers read buffered entries; hover, which waits 1 s
// anyway; forms, which no visitor fills in within that moment; clicks, outbound links and
// downloads, which a visitor rarely reaches within it), kept out of /ea.js so the script every
// page loads stays within its 5 KB budget.
import { CHUNK_EVENT, type DeferredStart } from "./chunk_api.ts";
import { startClicks } from "./clicks.ts";
import { observeForms } from "./forms.ts";
import { observeHover } from "./hover.ts";
import { observeVitals } from "./vitals.ts";

const start: DeferredStart = ({ emit, has, formValues }) => {
  startClicks(emit, has);
  if (!has("no-forms")) observeForms(emit, formValues);
  if (!has("no-hover")) observeHover(emit);
  return !has("no-vitals") && self.PerformanceObserver ? observeVitals(emit) : () => {};
};

try {
  document.dispatchEvent(new CustomEvent(CHUNK_EVENT + "deferred", { detail: start }));
} catch {
  // No CustomEvent (very old engines): no vitals or hover, nothing else affected.
}
