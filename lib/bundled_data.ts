// The data files the server reads from npm packages, declared once: for their readers
// (lib/ingest/geo.ts, lib/ingest/hosting_lookup.ts, lib/bots/crawler_feed.ts) and for the image
// build, which keeps these files of their packages and deletes the rest
// (scripts/runtime_files.ts, scripts/prune_modules.ts).

const NODE_MODULES = new URL("../node_modules/", import.meta.url);

/** The combined IPv4+IPv6 country database (npm `@ip-location-db/geo-whois-asn-country-mmdb`). */
export const GEO_COUNTRY_DB_URL = new URL(
  "@ip-location-db/geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb",
  NODE_MODULES,
);

/** The folder of the IP→ASN data (npm `@ip-location-db/asn`). */
export const ASN_DATA_DIR_URL = new URL("@ip-location-db/asn/", NODE_MODULES);

/** The IP→ASN files read from that folder: IPv4 as decimal numbers, IPv6 as text. */
export const ASN_FILES = { ipv4: "asn-ipv4-num.csv", ipv6: "asn-ipv6.csv" } as const;

/** The crawler patterns of npm `crawler-user-agents`, an optional bot source. */
export const CRAWLER_FEED_URL = new URL(
  "crawler-user-agents/crawler-user-agents.json",
  NODE_MODULES,
);

/** Every bundled data file the runtime opens. */
export const BUNDLED_DATA_FILES: readonly URL[] = [
  GEO_COUNTRY_DB_URL,
  new URL(ASN_FILES.ipv4, ASN_DATA_DIR_URL),
  new URL(ASN_FILES.ipv6, ASN_DATA_DIR_URL),
  CRAWLER_FEED_URL,
];
