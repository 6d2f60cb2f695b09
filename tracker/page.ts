// The current page view's path as the tracker reports it: the pathname plus only the query
// parameters a site may keep (utm_* and its allowlist; docs/architecture.md, decision 6), plus the
// fragment for hash routers. Everything else in the query (tokens, emails, search terms) never
// leaves the page. On an anonymised site even allow-listed values leave only as a hash (same value,
// same hash, so `?page=2` still groups); the server then maps the path again with its daily key.
import { hashRouting, settings } from "./config.ts";
import { hash } from "./util.ts";

export let path = "";

export function currentPath(): string {
  // Parameters keep their original spelling; keys are compared as written (they are ASCII).
  const query = location.search.slice(1).split("&").filter((pair) =>
    /^utm_/.test(pair) || settings.query.indexOf(pair.split("=")[0]) >= 0
  ).map((pair) => {
    const [key, value] = pair.split("=");
    return settings.anon && value && !/^utm_/.test(key)
      ? key + "=" + hash(value).toString(36)
      : pair;
  }).join("&");
  return (location.pathname + (query && "?" + query) + (hashRouting ? location.hash : ""))
    .slice(0, 1024);
}

export function setPath(next: string): void {
  path = next;
}
