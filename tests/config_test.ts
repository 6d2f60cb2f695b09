import assert from "node:assert/strict";
import { ConfigError, loadConfig } from "../lib/config.ts";

Deno.test("config: defaults of the contract", () => {
  const config = loadConfig({});
  assert.equal(config.port, 1947);
  assert.equal(config.dbPath, "./echelon.db");
  assert.equal(config.retentionDays, 90);
  assert.equal(config.botRetentionDays, 90);
  assert.equal(config.perfRetentionDays, 365);
  assert.deepEqual(config.suspectCountries, ["CN"]);
  assert.equal(config.suspectPoints, 30);
  assert.equal(config.botDiscardThreshold, 0);
  assert.equal(config.rateLimitMax, 100);
  assert.equal(config.rateLimitWindowMs, 60_000);
  assert.equal(config.viewFlushMs, 1000);
  assert.equal(config.eventFlushMs, 1000);
  assert.equal(config.challengeWindowMinutes, 10);
  assert.equal(config.liveStatsMinutes, 10);
  assert.equal(config.displayTimezone, "UTC");
  assert.equal(config.shutdownTimeoutMs, 60_000);
  assert.equal(config.publicMode, false);
  assert.equal(config.telemetry, null);
  assert.equal(config.cookieSecure, null);
  assert.deepEqual(config.ignoredSites, ["smoke-test"]);
  assert.equal(config.maxSites, 1000);
  assert.equal(config.newSitesPerHour, 100);
  assert.equal(config.maxDailyValues, 5000);
  assert.equal(config.readThreads, 2);
  assert.equal(config.readQueue, 32);
  assert.equal(config.readTimeoutMs, 60_000);
  assert.equal(config.publicReadTimeoutMs, 10_000);
  assert.equal(config.publicReadRate, 20);
  assert.equal(config.readMemoryMb, 512);
});

Deno.test("config: a documented 0 is parsed as 0, not replaced by a default", () => {
  const config = loadConfig({
    ECHELON_RATE_LIMIT_MAX: "0",
    ECHELON_SUSPECT_POINTS: "0",
    ECHELON_BOT_DISCARD_THRESHOLD: "0",
    ECHELON_MAX_SITES: "0",
    ECHELON_NEW_SITES_PER_HOUR: "0",
    ECHELON_READ_THREADS: "0",
    ECHELON_READ_QUEUE: "0",
    ECHELON_PUBLIC_READ_RATE: "0",
  });
  assert.equal(config.maxSites, 0);
  assert.equal(config.newSitesPerHour, 0);
  assert.equal(config.rateLimitMax, 0);
  assert.equal(config.suspectPoints, 0);
  assert.equal(config.botDiscardThreshold, 0);
  assert.equal(config.readThreads, 0);
  assert.equal(config.readQueue, 0);
  assert.equal(config.publicReadRate, 0);
});

Deno.test("config: lists, maps and booleans", () => {
  const config = loadConfig({
    ECHELON_SUSPECT_COUNTRIES: "cn, ru ,",
    ECHELON_SITE_SUSPECT_COUNTRIES: "Shop:br,in; blog:VN",
    ECHELON_ALLOWED_ORIGINS: "example.com, https://www.Example.org:8443",
    ECHELON_IGNORED_SITES: "staging,smoke-test",
    ECHELON_TRUST_PROXY: "TRUE",
    ECHELON_PUBLIC_MODE: "1",
    ECHELON_TELEMETRY: "false",
    ECHELON_BOT_UA_PATTERNS: "Acme-Monitor,  foo ",
  });
  assert.deepEqual(config.suspectCountries, ["CN", "RU"]);
  assert.deepEqual([...config.siteSuspectCountries], [["shop", ["BR", "IN"]], ["blog", ["VN"]]]);
  assert.deepEqual(config.allowedOrigins, ["example.com", "www.example.org"]);
  assert.deepEqual(config.ignoredSites, ["smoke-test", "staging"]);
  assert.equal(config.trustProxy?.description, "loopback, linklocal, uniquelocal");
  assert.equal(config.publicMode, true);
  assert.equal(config.telemetry, "off");
  assert.deepEqual(config.botUaPatterns, ["acme-monitor", "foo"]);
});

Deno.test("config: bad values stop boot with the variable's name", () => {
  const cases: [string, string][] = [
    ["ECHELON_PORT", "http"],
    ["ECHELON_PORT", "70000"],
    ["ECHELON_RATE_LIMIT_MAX", "-1"],
    ["ECHELON_RATE_LIMIT_MAX", "10abc"],
    ["ECHELON_MAX_SITES", "lots"],
    ["ECHELON_NEW_SITES_PER_HOUR", "-5"],
    ["ECHELON_MAX_DAILY_VALUES", "0"],
    ["ECHELON_RETENTION_DAYS", "1.5"],
    ["ECHELON_PERF_RETENTION_DAYS", "0"],
    ["ECHELON_TRUST_PROXY", "maybe"],
    ["ECHELON_TRUST_PROXY", "10.0.0.0/33"],
    ["ECHELON_TRUST_PROXY", "10.0.0.1, nginx"],
    ["ECHELON_TRUST_PROXY", "33"],
    ["ECHELON_BEHIND_CLOUDFLARE", "true"],
    ["ECHELON_SUSPECT_COUNTRIES", "CHN"],
    ["ECHELON_SITE_SUSPECT_COUNTRIES", "nocolon"],
    ["ECHELON_DISPLAY_TIMEZONE", "Mars/Olympus"],
    ["ECHELON_IGNORED_SITES", "bad site"],
    ["ECHELON_CHALLENGE_WINDOW_MINUTES", "0"],
    ["ECHELON_TELEMETRY_URL", "ftp://x"],
    ["ECHELON_READ_QUEUE", "many"],
    ["ECHELON_READ_TIMEOUT_MS", "0"],
    ["ECHELON_PUBLIC_READ_TIMEOUT_MS", "5s"],
    ["ECHELON_PUBLIC_READ_RATE", "-1"],
    ["ECHELON_READ_MEMORY_MB", "8"],
  ];
  for (const [name, value] of cases) {
    assert.throws(
      () => loadConfig({ [name]: value }),
      (error: unknown) => error instanceof ConfigError && error.variable === name,
      `${name}=${value} must be refused`,
    );
  }
});

Deno.test("config: empty strings mean unset", () => {
  const config = loadConfig({ ECHELON_PORT: "", ECHELON_RETENTION_DAYS: "  " });
  assert.equal(config.port, 1947);
  assert.equal(config.retentionDays, 90);
});

Deno.test("config: connection limits and timeouts", () => {
  const defaults = loadConfig({});
  // [variable, field, default, a value to set, a value refused]
  const cases = [
    ["ECHELON_HEADER_TIMEOUT_MS", "headerTimeoutMs", 10_000, 2500, "10s"],
    ["ECHELON_IDLE_TIMEOUT_MS", "idleTimeoutMs", 130_000, 65_000, "0"],
    ["ECHELON_BODY_TIMEOUT_MS", "bodyTimeoutMs", 30_000, 5000, "-1"],
    // Unset: derived from the open-file limit at start (lib/http/fd_limit.ts).
    ["ECHELON_MAX_CONNECTIONS", "maxConnections", null, 500, "0"],
    ["ECHELON_MAX_CONNECTIONS_PER_CLIENT", "maxConnectionsPerClient", 256, 16, "many"],
  ] as const;
  for (const [name, field, fallback, value, refused] of cases) {
    assert.equal(defaults[field], fallback, name);
    assert.equal(loadConfig({ [name]: String(value) })[field], value, name);
    assert.throws(
      () => loadConfig({ [name]: refused }),
      (e) => e instanceof ConfigError && e.variable === name,
    );
  }
});
