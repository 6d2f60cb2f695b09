// User-agent parsing for hit enrichment: browser, OS and device class from a UA string.
// ua-parser-js 1.x (MIT) does the parsing; we pin to 1.x because 2.x is AGPL. Results are
// memoised in an LRU because real traffic repeats a few thousand distinct UA strings.

import { UAParser } from "ua-parser-js";
import { LruCache } from "../lru.ts";

export type DeviceType = "desktop" | "mobile" | "tablet";

export interface ParsedUserAgent {
  browser: string | null;
  /** At most `major.minor`: full builds (120.0.6099.119) only add cardinality, not insight. */
  browserVersion: string | null;
  os: string | null;
  osVersion: string | null;
  deviceType: DeviceType | null;
}

export type UaParser = (ua: string) => ParsedUserAgent;

/** UAs longer than this are truncated before parsing and caching: real browsers stay far below. */
export const MAX_UA_LENGTH = 512;

// The subset of ua-parser-js 1.x's API we use: the package ships no .d.ts, and the types Deno
// infers from its UMD source mark every method as possibly undefined.
interface UaParserResult {
  browser: { name?: string; version?: string };
  os: { name?: string; version?: string };
  device: { type?: string };
}
type UaParserClass = new (ua: string) => { getResult(): UaParserResult };
const Parser = UAParser as unknown as UaParserClass;

// ua-parser-js names several OSes in its own way; dashboards want the names people use.
const OS_RENAMES: ReadonlyMap<string, string> = new Map([
  ["Mac OS", "macOS"],
  ["Chromium OS", "ChromeOS"],
  ["Chrome OS", "ChromeOS"],
]);

// Distribution names fold into "Linux": per-distro rows fragment a small slice of traffic, and a
// distro's version (e.g. Ubuntu 22.04) is not a Linux version, so the version is dropped.
const LINUX_DISTROS: ReadonlySet<string> = new Set([
  "Arch",
  "CentOS",
  "Debian",
  "Deepin",
  "elementary OS",
  "Fedora",
  "Gentoo",
  "Kubuntu",
  "Linpus",
  "Linux",
  "Mageia",
  "Mandriva",
  "Manjaro",
  "Mint",
  "openSUSE",
  "PCLinuxOS",
  "Raspbian",
  "Red Hat",
  "Sabayon",
  "Slackware",
  "SUSE",
  "Ubuntu",
  "Zenwalk",
]);

const EMPTY_RESULT: ParsedUserAgent = Object.freeze({
  browser: null,
  browserVersion: null,
  os: null,
  osVersion: null,
  deviceType: null,
});

/** "120.0.6099.119" → "120.0", "17" → "17"; anything without a leading number → null. */
export function majorMinor(version: string | undefined): string | null {
  if (!version) return null;
  const match = /^\d+(?:\.\d+)?/.exec(version);
  return match ? match[0] : null;
}

function normaliseOs(name: string | undefined, version: string | undefined) {
  if (!name) return { os: null, osVersion: null };
  if (LINUX_DISTROS.has(name)) return { os: "Linux", osVersion: null };
  return { os: OS_RENAMES.get(name) ?? name, osVersion: majorMinor(version) };
}

function parseUncached(ua: string): ParsedUserAgent {
  if (ua === "") return EMPTY_RESULT;
  const result = new Parser(ua).getResult();
  const browser = result.browser.name ?? null;
  const { os, osVersion } = normaliseOs(result.os.name, result.os.version);
  const type = result.device.type;
  // ua-parser-js leaves device.type unset for desktops; only claim "desktop" when a browser was
  // recognised, so unknown clients (scripts, apps) stay null rather than inflating desktop.
  const deviceType: DeviceType | null = type === "mobile" || type === "tablet"
    ? type
    : browser !== null
    ? "desktop"
    : null;
  // Frozen because cached results are shared between every hit with the same UA.
  return Object.freeze({
    browser,
    browserVersion: browser === null ? null : majorMinor(result.browser.version),
    os,
    osVersion,
    deviceType,
  });
}

/** Builds a memoising UA parser; construct once at boot and share it across requests. */
export function createUaParser(maxEntries = 5000): UaParser {
  const cache = new LruCache<string, ParsedUserAgent>(maxEntries);
  return function parseUserAgent(rawUa: string): ParsedUserAgent {
    const ua = rawUa.length > MAX_UA_LENGTH ? rawUa.slice(0, MAX_UA_LENGTH) : rawUa;
    const cached = cache.get(ua);
    if (cached !== undefined) return cached;
    const parsed = parseUncached(ua);
    cache.set(ua, parsed);
    return parsed;
  };
}

/**
 * Device class from the reported screen width, for when the UA is silent (e.g. iPadOS 13+
 * Safari sends a macOS desktop UA). Thresholds follow common CSS breakpoints: <768 mobile,
 * ≤1024 tablet. Non-finite or non-positive widths give null.
 */
export function deviceFromScreen(width: number | null | undefined): DeviceType | null {
  if (typeof width !== "number" || !Number.isFinite(width) || width <= 0) return null;
  if (width < 768) return "mobile";
  if (width <= 1024) return "tablet";
  return "desktop";
}

/**
 * Reads the `Sec-CH-UA-Mobile` client hint (a structured-header boolean, RFC 8941 §3.3.6):
 * "?1" → true, "?0" → false, absent or malformed → null (no hint).
 */
export function isMobileHint(secChUaMobile: string | null): boolean | null {
  if (secChUaMobile === null) return null;
  const value = secChUaMobile.trim();
  if (value === "?1") return true;
  if (value === "?0") return false;
  return null;
}
