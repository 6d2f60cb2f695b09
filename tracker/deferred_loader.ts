// Loads the deferred chunk (`/ea.deferred.js?h=<content hash>`, cached by the browser) unless
// both of its features are opted out, and keeps the reporter it hands back. The tag copies our
// script's nonce, so pages with a nonce-based CSP that allowed /ea.js allow the chunk too.
import { hasAttr, injected, script } from "./config.ts";
import { DEFERRED_EVENT, type DeferredStart } from "./deferred_api.ts";
import { emit } from "./transport.ts";
import { doc, guard } from "./util.ts";

let report: (() => void) | undefined;

export function loadDeferred(): void {
  const hover = !hasAttr("no-hover");
  const vitals = !hasAttr("no-vitals");
  if (!hover && !vitals) return;
  doc.addEventListener(
    DEFERRED_EVENT,
    guard((event: Event) => {
      report ||= (event as CustomEvent<DeferredStart>).detail({ emit, hover, vitals });
    }),
  );
  try {
    const tag = doc.createElement("script");
    tag.src = injected.origin + "/ea.deferred.js?h=" + injected.deferred;
    tag.nonce = script!.nonce;
    doc.documentElement.append(tag);
  } catch {
    // A document that refuses the element: no vitals or hover, the rest keeps working.
  }
}

/** At hide: each web vital once (nothing if the chunk has not arrived yet). */
export function reportDeferred(): void {
  report?.();
}
