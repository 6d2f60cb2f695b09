// Page paths as stored (docs/architecture.md, decision 6): the path plus only the query parameters
// a site has allow-listed; utm_* values are lifted out for campaign attribution, never kept in the
// path.

export interface PagePath {
  path: string;
  utm: Partial<Record<UtmKey, string>>;
}

export type UtmKey = "utm_source" | "utm_medium" | "utm_campaign" | "utm_content" | "utm_term";
const UTM_KEYS = new Set<string>([
  "utm_source",
  "utm_medium",
  "utm_campaign",
  "utm_content",
  "utm_term",
]);
export const MAX_PATH = 2048;

/** Null when `raw` is not a path (must start with "/"). */
export function normalisePagePath(raw: string, allowlist: readonly string[] = []): PagePath | null {
  if (!raw.startsWith("/") || raw.startsWith("//")) return null;
  const hash = raw.indexOf("#");
  const noHash = hash >= 0 ? raw.slice(0, hash) : raw;
  const q = noHash.indexOf("?");
  const path = (q >= 0 ? noHash.slice(0, q) : noHash).slice(0, MAX_PATH);
  const utm: PagePath["utm"] = {};
  if (q < 0) return { path, utm };
  const kept: string[] = [];
  for (const part of noHash.slice(q + 1).split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const key = safeDecode(eq >= 0 ? part.slice(0, eq) : part);
    if (UTM_KEYS.has(key)) {
      const value = safeDecode(eq >= 0 ? part.slice(eq + 1) : "").slice(0, 256);
      if (value) utm[key as UtmKey] = value;
    } else if (allowlist.includes(key)) {
      kept.push(part);
    }
  }
  const query = kept.length ? `?${kept.join("&")}` : "";
  return { path: (path + query).slice(0, MAX_PATH), utm };
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value.replaceAll("+", " "));
  } catch {
    return value;
  }
}
