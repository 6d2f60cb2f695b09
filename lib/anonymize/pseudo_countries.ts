// The pseudo-countries of anonymised sites: two-letter codes from ISO 3166's user-assigned ranges
// (QM–QZ, XA–XZ), which no real country uses, so the `country` filter (two letters) and the
// column keep working. Each is shown as a fictional exoplanet. XA, XB (CLDR pseudo-locales), XK
// (Kosovo) and QO (Outlying Oceania) mean something to Intl.DisplayNames, so they are left out.

export const PSEUDO_COUNTRIES: Readonly<Record<string, string>> = {
  QM: "Kepler-442b",
  QN: "Proxima Centauri b",
  QP: "TRAPPIST-1e",
  QQ: "Gliese 667 Cc",
  QR: "Kepler-186f",
  QS: "HD 40307 g",
  QT: "Kepler-62f",
  QU: "Teegarden b",
  QV: "Wolf 1061c",
  QW: "LHS 1140 b",
  QX: "Ross 128 b",
  QY: "K2-18b",
  QZ: "Kepler-452b",
  XC: "Tau Ceti e",
  XD: "Gliese 581g",
  XE: "Kepler-1649c",
  XF: "TOI-700 d",
  XG: "Kepler-22b",
  XH: "HD 85512 b",
  XI: "Kepler-69c",
  XJ: "Luyten b",
  XL: "Kepler-1229b",
  XM: "Gliese 163 c",
  XN: "Kapteyn b",
  XO: "Kepler-296e",
  XP: "Kepler-61b",
  XQ: "55 Cancri f",
  XR: "Gliese 832 c",
  XS: "Kepler-283c",
  XT: "HD 69830 d",
  XU: "Kepler-438b",
  XV: "Upsilon Andromedae d",
  XW: "WASP-12b",
  XX: "51 Pegasi b",
  XY: "HD 209458 b",
  XZ: "Kepler-16b",
};

export const PSEUDO_COUNTRY_CODES: readonly string[] = Object.keys(PSEUDO_COUNTRIES);

/** The exoplanet shown for a pseudo-country code; null for every real code. */
export function pseudoCountryName(code: string): string | null {
  return PSEUDO_COUNTRIES[code.toUpperCase()] ?? null;
}
