// Core Web Vitals (T12), once per metric per document, at hide: LCP (final once the visitor has
// interacted, so reporting it later loses nothing), CLS as the largest session window, and INP as
// the worst interaction after ignoring one per 50 (the p98 rule of web-vitals; the reference took
// the maximum of all entries). Part of the deferred chunk (deferred.ts): the observers use
// `buffered: true`, so entries recorded before the chunk arrives are still seen.

import type { Emit } from "./chunk_api.ts";

type Entry = PerformanceEntry & { value: number; hadRecentInput: boolean; interactionId: number };

function observe(type: string, onEntry: (entry: Entry) => void, extra?: object): void {
  try {
    new PerformanceObserver((list) => list.getEntries().forEach(onEntry as never))
      .observe({ type, buffered: true, ...extra });
  } catch {
    // Unsupported entry type: that metric is simply not reported.
  }
}

/** Starts the observers; the returned function reports each metric once (call it at hide). */
export function observeVitals(emit: Emit): () => void {
  const sent: Record<string, boolean> = {};
  let lcp = 0;
  /** -1 where layout shifts are not observable: CLS is then not reported (rather than as 0). */
  let cls = +PerformanceObserver.supportedEntryTypes.includes("layout-shift") - 1;
  let windowValue = 0;
  let windowStart = 0;
  let windowLast = 0;
  /** Longest event duration per interaction id. */
  const interactions: Record<number, number> = {};

  observe("largest-contentful-paint", (entry) => lcp = entry.startTime);
  // Session windows: shifts less than 1 s apart, a window at most 5 s long.
  observe("layout-shift", (entry) => {
    const at = entry.startTime;
    if (entry.hadRecentInput) return;
    if (at - windowLast < 1000 && at - windowStart < 5000) windowValue += entry.value;
    else {
      windowValue = entry.value;
      windowStart = at;
    }
    windowLast = at;
    cls = Math.max(cls, windowValue);
  });
  const onTiming = (entry: Entry) => {
    const id = entry.interactionId;
    if (id) interactions[id] = Math.max(interactions[id] || 0, entry.duration);
  };
  observe("event", onTiming, { durationThreshold: 16 });
  observe("first-input", onTiming);

  const report = (metric: string, value: number, good: number, poor: number) => {
    if (!sent[metric]) {
      sent[metric] = true;
      emit("web_vital", {
        metric,
        value: Math.round(value),
        rating: value > poor ? "poor" : value > good ? "needs-improvement" : "good",
      });
    }
  };
  return () => {
    const worst = Object.values(interactions).sort((a, b) => b - a);
    if (lcp) report("LCP", lcp, 2500, 4000);
    if (cls >= 0) report("CLS", cls * 1000, 100, 250); // sent ×1000, as the reference does
    if (worst.length) {
      report("INP", worst[Math.min(worst.length - 1, (worst.length / 50) | 0)], 200, 500);
    }
  };
}
