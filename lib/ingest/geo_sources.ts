// Whose IP location data is in use, and the attribution its licence asks for: one declaration,
// read by the admin footer and the boot log. An operator's own MMDB (ECHELON_GEOIP_DB) is
// recognised by its metadata; an unknown one is credited with its own description.

/** What the footer shows for the data in use: a short line, a link and the licence. */
export interface GeoAttribution {
  text: string;
  url: string | null;
  licence: string | null;
}

interface KnownSource {
  /** Matches the MMDB metadata's database_type (and description, for files that leave it vague). */
  matches(databaseType: string, description: string): boolean;
  attribution: GeoAttribution;
}

/** The database shipped in node_modules (npm `@ip-location-db/geo-whois-asn-country-mmdb`). */
export const BUNDLED_GEO_ATTRIBUTION: GeoAttribution = {
  // Its NRO data is CC BY 4.0 with attribution to nro.net (the package's NRO_LICENSE).
  text: "IP to country: NRO data via ip-location-db",
  url: "https://www.nro.net",
  licence: "CC BY 4.0",
};

/** The bundled IP→ASN data of the hosting-network signal (npm `@ip-location-db/asn`). */
export const HOSTING_DATA_ATTRIBUTION: GeoAttribution = {
  // DB-IP's Lite licence asks for a link to db-ip.com in these words.
  text: "Hosting networks: IP Geolocation by DB-IP, RouteViews and NRO data",
  url: "https://db-ip.com",
  licence: "CC BY 4.0",
};

/** What the admin footer credits: the geo database in use and the hosting data, when loaded. */
export function ipDataAttributions(
  geo: GeoAttribution | null,
  hostingLoaded: boolean,
): GeoAttribution[] {
  return [geo, hostingLoaded ? HOSTING_DATA_ATTRIBUTION : null].filter((a) => a !== null);
}

/** The families of MMDB files the README's update recipe names, by their metadata. */
const KNOWN_SOURCES: readonly KnownSource[] = [
  {
    // DB-IP Lite: database_type "DBIP-Country-Lite" / "DBIP-City-Lite"; CC BY 4.0 asks for a link.
    matches: (type, description) => /^dbip-/i.test(type) || /\bdb-?ip\b/i.test(description),
    attribution: {
      text: "IP geolocation by DB-IP.com",
      url: "https://db-ip.com",
      licence: "CC BY 4.0",
    },
  },
  {
    // The GeoLite2 EULA asks for this sentence.
    matches: (type) => /^geolite2-/i.test(type),
    attribution: {
      text: "This product includes GeoLite2 data created by MaxMind",
      url: "https://www.maxmind.com",
      licence: "GeoLite2 EULA",
    },
  },
  {
    matches: (type) => /^geoip2-/i.test(type),
    attribution: {
      text: "IP geolocation by MaxMind GeoIP2",
      url: "https://www.maxmind.com",
      licence: null,
    },
  },
];

/** The attribution of an operator's MMDB from its metadata: a known family, else its own words. */
export function attributionFor(databaseType: string, description: string): GeoAttribution {
  const known = KNOWN_SOURCES.find((s) => s.matches(databaseType, description));
  if (known) return known.attribution;
  const own = description.trim() || databaseType.trim() || "an operator-provided MMDB";
  return { text: `IP geolocation: ${own}`, url: null, licence: null };
}
