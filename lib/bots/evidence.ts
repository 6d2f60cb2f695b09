// Judges the browser evidence sealed into a proof-of-work token (issue 14 items 2 and 4): canvas
// text widths that must be CONSISTENT with a real font engine (not equal to fixed values: fonts
// differ by system), environment values that must agree with the request, and headless tells.
// Tolerances come from real Chromium runs (tests/fixtures/chromium_evidence.json) and every font
// installed here; tests/evidence_test.ts holds both, and the DOM-less forger of tests/_forge.ts.
import {
  GLYPH_CLASSES,
  PROBE_FIELDS,
  PROBE_FONTS,
  PROBE_TEXT_COUNT,
  probeTexts,
  TELLS,
} from "../../tracker/probe_text.ts";

/** Points per evidence signal (README "Scoring"); `headless` is the sum of HEADLESS_POINTS. */
export const EVIDENCE_POINTS = {
  /** A valid token without evidence: not produced by our tracker in a page. */
  probe_missing: 50,
  /** Text widths no font engine produces for these texts (or unreadable evidence). */
  probe_mismatch: 50,
  /** Language or screen of the evidence contradict the request. */
  env_mismatch: 25,
} as const;

/** Headless tells, each judged against what the User-Agent claims. */
export const HEADLESS_POINTS = {
  /** navigator.webdriver is true: the browser is driven by automation. */
  webdriver: 20,
  /** The UA claims Chrome, but the page has no `window.chrome`. */
  no_chrome_object: 25,
  /** The outer window is empty or smaller than the inner one (no window around the page). */
  no_window: 25,
} as const;

export type EnvField = Exclude<(typeof PROBE_FIELDS)[number], "lang">;

export interface Evidence {
  /** Text widths in CSS px: widths[text][font], fonts in PROBE_FONTS order. */
  readonly widths: readonly (readonly number[])[];
  readonly env: Readonly<Record<EnvField, number>>;
  /** Primary language tag of navigator.languages[0] ("" when the page had none). */
  readonly lang: string;
}

const WIDTH_COUNT = PROBE_TEXT_COUNT * PROBE_FONTS.length;
const FIELD_COUNT = WIDTH_COUNT + PROBE_FIELDS.length;
/** The longest base-36 number of the layout: 7 digits (below 2^53, so exact). */
const MAX_DIGITS = 7;
const MAX_LANG = 8;
const ENV_FIELDS = PROBE_FIELDS.filter((name): name is EnvField => name !== "lang");

/**
 * Strict decoding; null when the layout or any value deviates: FIELD_COUNT - 1 numbers of
 * `-?[0-9a-z]{1,7}` in base 36, then a language tag of `[a-z]{0,8}`, joined by ".". One pass
 * over the characters (this runs for every new token on the hit path).
 */
export function parseEvidence(text: string): Evidence | null {
  const numbers = new Array<number>(FIELD_COUNT - 1);
  let pos = 0;
  for (let i = 0; i < FIELD_COUNT - 1; i++) {
    const negative = text.charCodeAt(pos) === 0x2d; // "-"
    if (negative) pos++;
    let value = 0;
    const start = pos;
    for (; pos < text.length; pos++) {
      const c = text.charCodeAt(pos);
      if (c >= 0x30 && c <= 0x39) value = value * 36 + (c - 0x30);
      else if (c >= 0x61 && c <= 0x7a) value = value * 36 + (c - 0x61 + 10);
      else break;
    }
    const digits = pos - start;
    if (digits < 1 || digits > MAX_DIGITS || text.charCodeAt(pos) !== 0x2e) return null; // "."
    numbers[i] = negative ? -value : value;
    pos++;
  }
  const lang = text.slice(pos);
  if (lang.length > MAX_LANG) return null;
  for (let i = 0; i < lang.length; i++) {
    const c = lang.charCodeAt(i);
    if (c < 0x61 || c > 0x7a) return null;
  }
  const widths: number[][] = [];
  for (let k = 0; k < PROBE_TEXT_COUNT; k++) {
    const row = new Array<number>(PROBE_FONTS.length);
    for (let f = 0; f < PROBE_FONTS.length; f++) {
      row[f] = numbers[k * PROBE_FONTS.length + f] / 100;
    }
    widths.push(row);
  }
  const env = {} as Record<EnvField, number>;
  for (let i = 0; i < ENV_FIELDS.length; i++) env[ENV_FIELDS[i]] = numbers[WIDTH_COUNT + i];
  return { widths, env, lang };
}

/**
 * Tolerances of the font checks. Sizes: real engines scale advances linearly (a 40 px text is
 * twice a 20 px one, up to hinting). Monospace: every glyph has one advance. Proportional: the
 * widths are explained by one advance per glyph class (GLYPH_CLASSES) with a small residual, and
 * the classes' advances fall in the ranges of real fonts, narrow clearly below wide.
 */
export const FONT_TOLERANCE = {
  sizeRatio: 0.02,
  monoSpread: 0.01,
  monoEm: [0.45, 0.75],
  fitResidual: 0.04,
  narrowEm: [0.15, 0.4],
  mediumEm: [0.4, 0.75],
  wideEm: [0.65, 1.15],
  wideOverNarrow: 2,
} as const;

/** Advances (em) of the glyph classes fitted to a proportional font's widths, with the residual. */
export interface FontFit {
  readonly advances: readonly number[];
  /** Largest relative difference between a measured width and the fitted one. */
  readonly residual: number;
}

/** Glyph counts per class of each text. */
export function classCounts(texts: readonly string[]): number[][] {
  return texts.map((text) => {
    const counts = new Array<number>(GLYPH_CLASSES.length).fill(0);
    for (let i = 0; i < text.length; i++) {
      const glyphClass = GLYPH_CLASS_OF[text.charCodeAt(i)];
      if (glyphClass !== undefined) counts[glyphClass]++;
    }
    return counts;
  });
}

/** Char code → index in GLYPH_CLASSES (the classes are single ASCII characters). */
const GLYPH_CLASS_OF: readonly (number | undefined)[] = (() => {
  const table: (number | undefined)[] = new Array(128).fill(undefined);
  GLYPH_CLASSES.forEach((glyphs, i) => {
    for (const c of glyphs) table[c.charCodeAt(0)] = i;
  });
  return table;
})();

/**
 * Least squares of em widths over class counts (normal equations, 3×3); null if singular.
 * Loops over one flat matrix: it runs for every new token on the hit path.
 */
export function fitFont(counts: readonly number[][], ems: readonly number[]): FontFit | null {
  const n = GLYPH_CLASSES.length;
  const w = n + 1; // row width: the n coefficients, then the right-hand side
  const a = new Float64Array(n * w);
  for (let k = 0; k < counts.length; k++) {
    const row = counts[k];
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) a[i * w + j] += row[i] * row[j];
      a[i * w + n] += row[i] * ems[k];
    }
  }
  // Gauss-Jordan with partial pivoting.
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) {
      if (Math.abs(a[r * w + col]) > Math.abs(a[pivot * w + col])) pivot = r;
    }
    if (Math.abs(a[pivot * w + col]) < 1e-6) return null;
    if (pivot !== col) {
      for (let c = 0; c < w; c++) {
        const held = a[col * w + c];
        a[col * w + c] = a[pivot * w + c];
        a[pivot * w + c] = held;
      }
    }
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = a[r * w + col] / a[col * w + col];
      for (let c = col; c <= n; c++) a[r * w + c] -= f * a[col * w + c];
    }
  }
  const advances = new Array<number>(n);
  for (let i = 0; i < n; i++) advances[i] = a[i * w + n] / a[i * w + i];
  let residual = 0;
  for (let k = 0; k < counts.length; k++) {
    const row = counts[k];
    let fitted = 0;
    for (let i = 0; i < n; i++) fitted += row[i] * advances[i];
    residual = Math.max(residual, Math.abs(ems[k] - fitted) / ems[k]);
  }
  return { advances, residual };
}

const FONT_SIZES = PROBE_FONTS.map((font) => parseInt(font));

const inRange = (value: number, [lo, hi]: readonly [number, number]) => value >= lo && value <= hi;

/**
 * Why the text widths cannot come from a font engine measuring these texts, or null when they
 * are consistent. Pure and independent of the request, so a verdict per token can be cached.
 */
export function fontInconsistency(evidence: Evidence, salt: string): string | null {
  const t = FONT_TOLERANCE;
  const texts = probeTexts(salt);
  const sizes = FONT_SIZES;
  const sans: number[] = []; // per text: em of the proportional font (mean of both sizes)
  const mono: number[] = []; // per text: em per glyph of the monospace font
  for (let k = 0; k < texts.length; k++) {
    const w = evidence.widths[k];
    for (let f = 0; f < w.length; f++) if (!(w[f] > 0)) return "width_not_positive";
    for (let f = 0; f <= 2; f += 2) {
      if (Math.abs(w[f + 1] / w[f] * sizes[f] / sizes[f + 1] - 1) > t.sizeRatio) {
        return "size_not_linear";
      }
      const em = (w[f] / sizes[f] + w[f + 1] / sizes[f + 1]) / 2;
      if (f === 0) sans.push(em);
      else mono.push(em / texts[k].length);
    }
  }
  let monoSum = mono[0];
  let monoMin = mono[0];
  let monoMax = mono[0];
  for (let k = 1; k < mono.length; k++) {
    monoSum += mono[k];
    monoMin = Math.min(monoMin, mono[k]);
    monoMax = Math.max(monoMax, mono[k]);
  }
  const monoMean = monoSum / mono.length;
  if (!inRange(monoMean, t.monoEm)) return "mono_advance";
  if ((monoMax - monoMin) / monoMean > t.monoSpread) return "mono_not_fixed";
  const fit = fitFont(classCounts(texts), sans);
  // A salt whose texts leave a class out cannot be fitted: judged on the other checks alone.
  if (!fit) return null;
  if (fit.residual > t.fitResidual) return "glyph_fit";
  const [narrow, medium, wide] = fit.advances;
  if (!inRange(narrow, t.narrowEm) || !inRange(medium, t.mediumEm) || !inRange(wide, t.wideEm)) {
    return "glyph_advance";
  }
  if (wide / narrow < t.wideOverNarrow) return "glyph_advance";
  return null;
}

/** What the request says about the browser, to judge the evidence's environment against. */
export interface RequestView {
  acceptLanguage: string | null;
  userAgent: string;
  /** The view's own `sw`/`sh` parameters (views only). */
  screenWidth?: number | null;
  screenHeight?: number | null;
}

/** Why the environment contradicts the request or itself, or null. */
export function envInconsistency(evidence: Evidence, request: RequestView): string | null {
  const e = evidence.env;
  if (e.sw <= 0 || e.sh <= 0 || e.aw > e.sw || e.ah > e.sh || e.aw <= 0 || e.ah <= 0) {
    return "screen";
  }
  if (e.dpr < 25 || e.dpr > 1000) return "pixel_ratio";
  if (e.tz % 15 !== 0 || e.tz < -840 || e.tz > 720) return "time_zone";
  if (request.screenWidth != null && request.screenWidth !== e.sw) return "screen_param";
  if (request.screenHeight != null && request.screenHeight !== e.sh) return "screen_param";
  const header = request.acceptLanguage;
  if (header && evidence.lang && !acceptedPrimaryTags(header).includes(evidence.lang)) {
    return "language";
  }
  return null;
}

/** Primary subtags of an Accept-Language header, lower case ("en-GB,de;q=0.5" → en, de). */
function acceptedPrimaryTags(header: string): string[] {
  return header.slice(0, 256).split(",").map((part) => part.trim().split(/[-;]/)[0].toLowerCase());
}

/** The headless tells that fire for this evidence and UA, by name. */
export function headlessTells(
  evidence: Evidence,
  userAgent: string,
): (keyof typeof HEADLESS_POINTS)[] {
  const e = evidence.env;
  const tells: (keyof typeof HEADLESS_POINTS)[] = [];
  if (e.tells & TELLS.webdriver) tells.push("webdriver");
  // Chromium-based browsers all expose window.chrome; Firefox and Safari never claim "Chrome/".
  if (e.tells & TELLS.noChromeObject && /Chrome\//.test(userAgent)) tells.push("no_chrome_object");
  if (e.ow <= 0 || e.oh <= 0 || e.ow < e.iw || e.oh < e.ih) tells.push("no_window");
  return tells;
}

/**
 * What the token alone says about its evidence: none, forged (unreadable or no font engine's
 * widths), or consistent fonts with the parsed evidence. Depends on the token only, so callers may
 * keep it per token (a page's hits share one).
 */
export type SealedEvidence =
  | { readonly kind: "missing" }
  | { readonly kind: "mismatch" }
  | { readonly kind: "fonts_ok"; readonly evidence: Evidence };

export function judgeSealed(text: string | null, salt: string): SealedEvidence {
  if (text === null) return { kind: "missing" };
  const evidence = parseEvidence(text);
  if (!evidence || fontInconsistency(evidence, salt)) return { kind: "mismatch" };
  // The widths are judged; what later requests need is the environment.
  return { kind: "fonts_ok", evidence: { widths: [], env: evidence.env, lang: evidence.lang } };
}

/** Score points of sealed evidence for one request (the environment is judged per request). */
export function sealedSignals(
  sealed: SealedEvidence,
  request: RequestView,
): Record<string, number> {
  if (sealed.kind === "missing") return { probe_missing: EVIDENCE_POINTS.probe_missing };
  if (sealed.kind === "mismatch") return { probe_mismatch: EVIDENCE_POINTS.probe_mismatch };
  const { evidence } = sealed;
  const signals: Record<string, number> = {};
  if (envInconsistency(evidence, request)) signals.env_mismatch = EVIDENCE_POINTS.env_mismatch;
  const tells = headlessTells(evidence, request.userAgent);
  if (tells.length) signals.headless = tells.reduce((sum, tell) => sum + HEADLESS_POINTS[tell], 0);
  return signals;
}

/** Score points of the evidence in a valid token (null: the token carried none). */
export function evidenceSignals(
  text: string | null,
  salt: string,
  request: RequestView,
): Record<string, number> {
  return sealedSignals(judgeSealed(text, salt), request);
}
