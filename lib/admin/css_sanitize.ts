// Consent-banner CSS from the admin, made safe to hand to every visitor's browser. The CSS lands
// in a shadow root's constructed stylesheet, so it cannot style the host page, but it could still
// fetch (tracking pixels, font or image beacons), run script in old engines or break out of a
// <style> fallback. The reference used a bare blocklist (defect W15); here the input is first
// normalised so that no blocked construct can be spelled another way, then filtered:
//   1. bounded length; control characters, backslashes (CSS escapes such as `u\rl(`) and `<`
//      (`</style`, `<!--`) removed — escapes could otherwise rebuild any blocked word;
//   2. comments removed (they could split a word: `ur/**/l(` is not `url(`, but `@im/**/port` in
//      a lenient parser might be), each replaced by a space so no new token forms;
//   3. every fetching or scripting construct replaced by a `/*blocked*/` comment: `url(` except
//      `data:image/…`, `image(`, `image-set(`, `cross-fade(`, `element(`, `paint(`, `src(`,
//      `@import`, `expression(`, `javascript:`, `vbscript:`, `behavior:`, `-moz-binding`.
// Steps only delete or insert comments after normalisation, so no pass can assemble a new
// blocked token from the pieces of another.

export const MAX_CONSENT_CSS_LENGTH = 4096;

export interface SanitizedCss {
  css: string;
  /** What was taken out, for telling the admin (empty when the input was already clean). */
  removed: string[];
  truncated: boolean;
}

// deno-lint-ignore no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u2028\u2029\uFEFF]/g;
const COMMENT = /\/\*[\s\S]*?(?:\*\/|$)/g;
const BLOCKED = new RegExp(
  [
    String.raw`url\s*\(`,
    String.raw`(?:-webkit-)?image-set\s*\(`,
    String.raw`(?:-webkit-)?cross-fade\s*\(`,
    String.raw`image\s*\(`,
    String.raw`element\s*\(`,
    String.raw`paint\s*\(`,
    String.raw`src\s*\(`,
    String.raw`@\s*import`,
    String.raw`expression\s*\(`,
    String.raw`javascript\s*:`,
    String.raw`vbscript\s*:`,
    String.raw`behaviou?r\s*:`,
    String.raw`-moz-binding`,
  ].join("|"),
  "gi",
);
/** `url(` followed by an inline image: the only url() kept (nothing is fetched). */
const DATA_IMAGE = /^\s*["']?\s*data:image\/(?:png|gif|jpe?g|webp|avif|svg\+xml)[;,]/i;
const MARK = "/*blocked*/";

export function sanitizeCss(input: string, maxLength = MAX_CONSENT_CSS_LENGTH): SanitizedCss {
  const removed = new Set<string>();
  let css = input;
  const truncated = css.length > maxLength;
  if (truncated) css = css.slice(0, maxLength);

  const strip = (pattern: RegExp, label: string, replacement = "") => {
    const next = css.replace(pattern, replacement);
    if (next !== css) removed.add(label);
    css = next;
  };
  strip(CONTROL, "control characters");
  strip(/\\/g, "backslash escapes");
  if (/<\/?\s*style/i.test(css)) removed.add("</style");
  strip(/</g, "<");
  css = css.replace(COMMENT, " ");

  css = css.replace(BLOCKED, (match, offset: number) => {
    const word = match.replace(/\s+/g, "").toLowerCase();
    if (word === "url(" && DATA_IMAGE.test(css.slice(offset + match.length))) return match;
    removed.add(word);
    return MARK;
  });

  // Blocked marks are longer than what they replace: keep the stored size bounded, without
  // leaving a half comment that would swallow nothing but still look odd.
  if (css.length > maxLength) {
    css = css.slice(0, maxLength);
    const open = css.lastIndexOf("/*");
    if (open > css.lastIndexOf("*/")) css = css.slice(0, open);
  }
  return { css: css.trim(), removed: [...removed], truncated };
}
