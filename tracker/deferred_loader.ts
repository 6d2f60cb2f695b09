// Loads the deferred chunk (clicks, forms, hover, web vitals…) unless all are opted out, and keeps the
// reporter it hands back for the moment the page is hidden.
import { DEFERRED_FEATURES, type DeferredStart } from "./chunk_api.ts";
import { loadChunk } from "./chunk_loader.ts";
import { hasAttr, settings } from "./config.ts";
import { emit } from "./transport.ts";

let report: (() => void) | undefined;

export function loadDeferred(): void {
  if (DEFERRED_FEATURES.some((name) => !hasAttr("no-" + name))) {
    loadChunk<DeferredStart>("deferred", (start) => {
      report ||= start({ emit, has: hasAttr, formValues: () => settings.formValues });
    });
  }
}

/** At hide: each web vital once (nothing if the chunk has not arrived yet). */
export function reportDeferred(): void {
  report?.();
}
