// Hover (T10): a trusted pointer resting 1 s on an element tagged `data-echelon-hover` sends
// `hover {hover, tag, ...extras}`; leaving the element earlier cancels it. Part of the deferred
// chunk: it attaches a moment after /ea.js, which the 1 s dwell makes invisible.
import type { Emit } from "./chunk_api.ts";
import { taggedData } from "./tagged.ts";
import { closest, doc, later, listen } from "./util.ts";

export function observeHover(emit: Emit): void {
  let target: Element | null;
  let timer = 0;
  listen(doc, "mouseover", (event) => {
    const el = closest(event.isTrusted && event.target, "[data-echelon-hover]");
    if (el != target) {
      clearTimeout(timer);
      target = el || null;
      if (el) timer = later(() => emit("hover", taggedData(el, "hover")), 1000);
    }
  });
  listen(doc, "mouseout", (event: MouseEvent) => {
    if (!target?.contains(event.relatedTarget as Node)) {
      clearTimeout(timer);
      target = null;
    }
  });
}
