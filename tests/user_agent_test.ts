// Tests for lib/ingest/user_agent.ts: real UA strings → browser, version, OS and device class.

import assert from "node:assert/strict";
import {
  createUaParser,
  deviceFromScreen,
  isMobileHint,
  majorMinor,
  MAX_UA_LENGTH,
  type ParsedUserAgent,
} from "../lib/ingest/user_agent.ts";

const CASES: [label: string, ua: string, expected: ParsedUserAgent][] = [
  [
    "Chrome 120 on Windows",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
    {
      browser: "Chrome",
      browserVersion: "120.0",
      os: "Windows",
      osVersion: "10",
      deviceType: "desktop",
    },
  ],
  [
    "Safari on iPhone",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1.2 Mobile/15E148 Safari/604.1",
    {
      browser: "Mobile Safari",
      browserVersion: "17.1",
      os: "iOS",
      osVersion: "17.1",
      deviceType: "mobile",
    },
  ],
  [
    "Safari on iPad",
    "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1",
    {
      browser: "Mobile Safari",
      browserVersion: "16.6",
      os: "iOS",
      osVersion: "16.6",
      deviceType: "tablet",
    },
  ],
  [
    "Safari on macOS",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15",
    {
      browser: "Safari",
      browserVersion: "17.2",
      os: "macOS",
      osVersion: "10.15",
      deviceType: "desktop",
    },
  ],
  [
    "Samsung Internet on Android phone",
    "Mozilla/5.0 (Linux; Android 13; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36",
    {
      browser: "Samsung Internet",
      browserVersion: "23.0",
      os: "Android",
      osVersion: "13",
      deviceType: "mobile",
    },
  ],
  [
    "Chrome on Android tablet",
    "Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
    {
      browser: "Chrome",
      browserVersion: "120.0",
      os: "Android",
      osVersion: "13",
      deviceType: "tablet",
    },
  ],
  [
    "Firefox on Ubuntu folds into Linux",
    "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
    {
      browser: "Firefox",
      browserVersion: "121.0",
      os: "Linux",
      osVersion: null,
      deviceType: "desktop",
    },
  ],
  [
    "Chrome on ChromeOS",
    "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
    {
      browser: "Chrome",
      browserVersion: "120.0",
      os: "ChromeOS",
      osVersion: "14541.0",
      deviceType: "desktop",
    },
  ],
  [
    "Edge on Windows",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91",
    {
      browser: "Edge",
      browserVersion: "120.0",
      os: "Windows",
      osVersion: "10",
      deviceType: "desktop",
    },
  ],
  [
    "Firefox on Android",
    "Mozilla/5.0 (Android 14; Mobile; rv:121.0) Gecko/121.0 Firefox/121.0",
    {
      browser: "Firefox",
      browserVersion: "121.0",
      os: "Android",
      osVersion: "14",
      deviceType: "mobile",
    },
  ],
  [
    "curl has no browser, so no device class",
    "curl/8.4.0",
    { browser: null, browserVersion: null, os: null, osVersion: null, deviceType: null },
  ],
  [
    "empty UA",
    "",
    { browser: null, browserVersion: null, os: null, osVersion: null, deviceType: null },
  ],
];

for (const [label, ua, expected] of CASES) {
  Deno.test(`createUaParser: ${label}`, () => {
    const parse = createUaParser();
    assert.deepEqual({ ...parse(ua) }, expected);
  });
}

Deno.test("createUaParser returns the cached (frozen, identical) result for a repeated UA", () => {
  const parse = createUaParser(10);
  const ua = CASES[0][1];
  const first = parse(ua);
  assert.equal(parse(ua), first);
  assert.equal(Object.isFrozen(first), true);
});

Deno.test("createUaParser truncates over-long UAs so padding cannot bust the cache", () => {
  const parse = createUaParser(10);
  const base = CASES[0][1];
  const padded = base + " ".repeat(MAX_UA_LENGTH) + "x".repeat(10_000);
  const other = base + " ".repeat(MAX_UA_LENGTH) + "y".repeat(10_000);
  const result = parse(padded);
  assert.equal(result.browser, "Chrome");
  assert.equal(parse(other), result);
});

Deno.test("majorMinor keeps at most major.minor", () => {
  assert.equal(majorMinor("120.0.6099.119"), "120.0");
  assert.equal(majorMinor("17"), "17");
  assert.equal(majorMinor("beta"), null);
  assert.equal(majorMinor(undefined), null);
});

Deno.test("deviceFromScreen uses the 768 / 1024 breakpoints", () => {
  const cases: [number | null, string | null][] = [
    [375, "mobile"],
    [767, "mobile"],
    [768, "tablet"],
    [1024, "tablet"],
    [1025, "desktop"],
    [1920, "desktop"],
    [0, null],
    [-5, null],
    [Number.NaN, null],
    [null, null],
  ];
  for (const [width, expected] of cases) {
    assert.equal(deviceFromScreen(width), expected, `${width}`);
  }
});

Deno.test("isMobileHint reads the Sec-CH-UA-Mobile structured boolean", () => {
  assert.equal(isMobileHint("?1"), true);
  assert.equal(isMobileHint("?0"), false);
  assert.equal(isMobileHint(" ?1 "), true);
  assert.equal(isMobileHint("1"), null);
  assert.equal(isMobileHint(""), null);
  assert.equal(isMobileHint(null), null);
});
