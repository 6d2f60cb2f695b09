// Country names for two-letter codes (Intl.DisplayNames, in English), shared by the server pages
// and the live islands; "unknown" and codes the runtime does not know are shown as they are.
// Anonymised sites store pseudo-country codes, shown as their exoplanets.
import { pseudoCountryName } from "../anonymize/pseudo_countries.ts";

let names: Intl.DisplayNames | null | undefined;

export function countryName(code: string | null): string {
  if (!code || code === "unknown") return "Unknown";
  const planet = pseudoCountryName(code);
  if (planet) return planet;
  if (names === undefined) {
    try {
      names = new Intl.DisplayNames(["en"], { type: "region", fallback: "code" });
    } catch {
      names = null;
    }
  }
  if (!names || !/^[A-Za-z]{2}$/.test(code)) return code;
  try {
    return names.of(code.toUpperCase()) ?? code;
  } catch {
    return code;
  }
}
