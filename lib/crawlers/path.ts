// The stored path of a crawled page: the request target's path without its query string, so a
// crawl lines up with the page views of the same page (lib/ingest/page_path.ts).
import { normalisePagePath } from "../ingest/page_path.ts";

/** Origin-form ("/a?b") or absolute-form ("https://host/a") target → "/a"; null otherwise. */
export function crawlPath(target: string): string | null {
  if (target.startsWith("http://") || target.startsWith("https://")) {
    try {
      const url = new URL(target);
      return url.pathname;
    } catch {
      return null;
    }
  }
  return normalisePagePath(target)?.path ?? null;
}
