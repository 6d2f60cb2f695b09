// The campaign URL builder: a landing page URL tagged with the campaign's utm_campaign and the
// chosen source, medium, content and term (existing query parameters and the fragment are kept;
// utm_* already on the URL are replaced).
// No runtime imports: the UTM link builder island (islands/UtmBuilder.tsx) runs it in the browser.
import type { Parsed } from "../admin/forms.ts";

/** The collectors keep at most 256 characters of a utm_* value, so a longer one never matches
 * (lib/campaigns/input.ts checks registrations against it too). */
export const MAX_UTM_VALUE = 256;

export const UTM_TAGS = ["source", "medium", "content", "term"] as const;
export type UtmTag = typeof UTM_TAGS[number];
export type UtmTags = Partial<Record<UtmTag, string>>;

const MAX_URL = 2048;

export function taggedUrl(base: string, utmCampaign: string, tags: UtmTags): Parsed<string> {
  const raw = base.trim();
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return {
      ok: false,
      errors: [`Landing page: ${JSON.stringify(raw.slice(0, 80))} is not a URL.`],
    };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return { ok: false, errors: ["Landing page: must be an http or https URL."] };
  }
  url.searchParams.set("utm_campaign", utmCampaign);
  for (const tag of UTM_TAGS) {
    const value = tags[tag]?.trim().slice(0, MAX_UTM_VALUE);
    if (value) url.searchParams.set(`utm_${tag}`, value);
    else url.searchParams.delete(`utm_${tag}`);
  }
  const href = url.href;
  if (href.length > MAX_URL) {
    return { ok: false, errors: [`The tagged URL is longer than ${MAX_URL} characters.`] };
  }
  return { ok: true, value: href, notes: [] };
}
