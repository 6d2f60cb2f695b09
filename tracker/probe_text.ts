// What the tracker measures for a challenge (wire contract with lib/bots/evidence.ts): five texts
// derived from the challenge's salt, each measured with canvas measureText in PROBE_FONTS, then
// environment values; all sent as base-36 integers joined by "." (PROBE_FIELDS gives the order).
// Imported by the server too, so it may use nothing of the DOM.

/** Glyph classes of clearly different advance (narrow, medium, wide) in every common font. */
export const GLYPH_CLASSES = ["il", "nu", "m"];

/** Generic families at two sizes: a proportional font, then a monospace one. */
export const PROBE_FONTS = [
  "20px sans-serif",
  "40px sans-serif",
  "20px monospace",
  "40px monospace",
];

export const PROBE_TEXT_COUNT = 5;

/**
 * Environment fields after the widths (hundredths of a CSS pixel), in order: screen, avail and
 * inner/outer window sizes, devicePixelRatio × 100, the time-zone offset (minutes), the headless
 * tells (bits of TELLS) and the primary tag of navigator.languages[0] (letters, not base 36).
 */
export const PROBE_FIELDS = [
  "sw",
  "sh",
  "aw",
  "ah",
  "iw",
  "ih",
  "ow",
  "oh",
  "dpr",
  "tz",
  "tells",
  "lang",
] as const;

/** Bits of the `tells` field: what the page saw that a person's browser rarely shows. */
export const TELLS = { webdriver: 1, noChromeObject: 2 } as const;

/**
 * Five texts of 6..13 glyphs; text k draws half its glyphs from class k % 3, so the texts differ
 * in composition and a width table can be fitted to them. A xorshift seeded by the salt picks
 * lengths and glyphs, so every challenge asks for other texts.
 */
export function probeTexts(salt: string): string[] {
  let h = 9;
  for (let i = 0; i < salt.length;) h = Math.imul(h ^ salt.charCodeAt(i++), 9 ** 9);
  h ||= 1; // xorshift stays at 0 forever
  const next = (n: number) => {
    h ^= h << 13;
    h ^= h >>> 17;
    h ^= h << 5;
    return (h >>> 0) % n;
  };
  const texts: string[] = [];
  for (let k = 0; k < PROBE_TEXT_COUNT; k++) {
    let text = "";
    for (let j = 6 + next(8); j--;) {
      const glyphs = GLYPH_CLASSES[next(2) ? k % 3 : next(3)];
      text += glyphs[next(glyphs.length)];
    }
    texts.push(text);
  }
  return texts;
}
