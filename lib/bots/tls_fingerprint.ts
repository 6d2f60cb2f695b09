// Judges a JA4 TLS client fingerprint (FoxIO's JA4, e.g. "t13d1516h2_8daaf6152771_02713d6af862")
// that a trusted proxy or CDN passes on (issue 14 item 7). JA4's first part summarises the
// ClientHello: protocol (t = TCP, q = QUIC), TLS version, SNI (d = a domain, i = an IP), the
// number of cipher suites and of extensions, and the first ALPN value's first and last character;
// the second part hashes the sorted cipher suites. Only facts that hold for every current browser
// are used, so an unknown browser is never blamed for being new.
import type { ParsedUserAgent } from "../ingest/user_agent.ts";

/**
 * Points for a fingerprint no browser sends, or one that contradicts the claimed browser. Alone
 * they never exclude (threshold 50): TLS-inspecting corporate proxies and antivirus web shields
 * re-open the connection with their own handshake on behalf of real people.
 */
export const TLS_FINGERPRINT_POINTS = 25;

const JA4 = /^([tqd])([0-9a-z]{2})([di])(\d{2})(\d{2})([0-9a-z]{2})_([0-9a-f]{12})_([0-9a-f]{12})$/;

export interface Ja4 {
  protocol: string;
  version: string;
  sni: string;
  ciphers: number;
  extensions: number;
  alpn: string;
  cipherHash: string;
}

/** The parts of a JA4 string, or null when it is not one (then it is ignored, not scored). */
export function parseJa4(value: string): Ja4 | null {
  const m = JA4.exec(value.trim().toLowerCase());
  if (m === null) return null;
  return {
    protocol: m[1],
    version: m[2],
    sni: m[3],
    ciphers: Number(m[4]),
    extensions: Number(m[5]),
    alpn: m[6],
    cipherHash: m[7],
  };
}

/** Chromium (BoringSSL) offers one cipher set in current versions, on every OS but iOS. */
export const CHROMIUM_CIPHER_HASH = "8daaf6152771";
const CHROMIUM_BROWSERS: ReadonlySet<string> = new Set([
  "Chrome",
  "Chromium",
  "Chrome Headless",
  "Chrome WebView",
  "Edge",
  "Opera",
  "Samsung Internet",
  "Yandex",
  "Vivaldi",
  "Brave",
]);

interface Trait {
  reason: string;
  test: (ja4: Ja4, ua: ParsedUserAgent | null) => boolean;
}

/**
 * What no browser does (the documented table: README "TLS fingerprint"). Each entry names the
 * clients that show it; the first that matches is the reason.
 */
export const NON_BROWSER_TRAITS: readonly Trait[] = [
  {
    // curl https://203.0.113.7/…, scripts aimed at an address; browsers send the host name.
    reason: "no_sni",
    test: (ja4) => ja4.sni === "i",
  },
  {
    // Python requests/urllib3 and httpx without HTTP/2, Node's undici (fetch): http/1.1 only.
    reason: "http1_only",
    test: (ja4) => ja4.protocol === "t" && ja4.alpn === "h1",
  },
  {
    // Node's https module, Go's crypto/tls outside net/http, raw TLS clients: no ALPN at all.
    reason: "no_alpn",
    test: (ja4) => ja4.alpn === "00",
  },
  {
    // Browsers have offered TLS 1.3 since 2018-2020 (Chrome 70, Firefox 63, Safari 12.1).
    reason: "no_tls13",
    test: (ja4) => ja4.version !== "13",
  },
  {
    // OpenSSL's default list (curl, wget, Python's ssl) offers 30 suites or more; browsers 15-21.
    reason: "openssl_cipher_list",
    test: (ja4) => ja4.ciphers >= 30,
  },
  {
    // A Chromium User-Agent over a handshake that is not Chromium's: curl, requests, Go or Node
    // sending a copied Chrome User-Agent. Chrome on iOS uses WebKit's TLS, so it is left out.
    reason: "not_chromium_tls",
    test: (ja4, ua) =>
      ja4.protocol === "t" && ua !== null && ua.os !== "iOS" &&
      CHROMIUM_BROWSERS.has(ua.browser ?? "") && ja4.cipherHash !== CHROMIUM_CIPHER_HASH,
  },
];

/**
 * Why this JA4 is not a browser's, or inconsistent with the claimed browser; null when it looks
 * like a browser's or is not a JA4 string.
 */
export function judgeJa4(value: string, ua: ParsedUserAgent | null): string | null {
  const ja4 = parseJa4(value);
  if (ja4 === null) return null;
  for (const trait of NON_BROWSER_TRAITS) if (trait.test(ja4, ua)) return trait.reason;
  return null;
}
