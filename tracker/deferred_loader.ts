// Loads the deferred chunk (forms, hover, web vitals) unless all are opted out, and keeps the
// reporter it hands back for the moment the page is hidden.
import type { DeferredStart } from "./chunk_api.ts";
import { loadChunk } from "./chunk_loader.ts";
import { hasAttr, settings } from "./config.ts";
import { emit } from "./transport.ts";

let report: (() => void) | undefined;

export function loadDeferred(): void {
  const forms = !hasAttr("no-forms");
  const hover = !hasAttr("no-hover");
  const vitals = !hasAttr("no-vitals");
  if (forms || hover || vitals) {
    loadChunk<DeferredStart>("deferred", (start) => {
      report ||= start({ emit, forms, formValues: () => settings.formValues, hover, vitals });
    });
  }
}

/** At hide: each web vital once (nothing if the chunk has not arrived yet). */
export function reportDeferred(): void {
  report?.();
}
