// Hosting-network lookup: how long opening the bundled IP→ASN data takes (once at start) and
// the cost of a lookup on the hit path, cold (LRU miss: parse + binary search) and cached.
// Run: deno run -A bench/hosting_bench.ts
import { hostingAsns } from "../lib/bots/hosting_networks.ts";
import { openHostingLookup } from "../lib/ingest/hosting_lookup.ts";

export interface HostingBenchResult {
  openMs: number;
  ranges: number;
  ipv4MissMicros: number;
  ipv6MissMicros: number;
  cachedMicros: number;
}

const LOOKUPS = 100_000;

export function benchHosting(): HostingBenchResult {
  const asns = hostingAsns({ add: [], remove: [] });
  let started = performance.now();
  // A distinct ASN set each run: the lookup memoises opened tables per set.
  const lookup = openHostingLookup(
    new Set([...asns, 4_200_000_000 + Math.floor(Math.random() * 1e6)]),
  );
  const openMs = performance.now() - started;
  if (!lookup.available) throw new Error(lookup.error ?? "unavailable");
  // Distinct addresses, more than the LRU holds, so every lookup misses.
  const v4 = Array.from(
    { length: LOOKUPS },
    (_, i) => `${(i * 7919) % 223 + 1}.${i % 256}.${(i >> 8) % 256}.${(i * 13) % 256}`,
  );
  const v6 = Array.from(
    { length: LOOKUPS },
    (_, i) => `2a0${i % 10}:${((i * 31) % 65536).toString(16)}:${i.toString(16)}::1`,
  );
  const time = (ips: string[]) => {
    started = performance.now();
    for (const ip of ips) lookup.hostingAsn(ip);
    return ((performance.now() - started) * 1000) / ips.length;
  };
  time(v4.slice(0, 20_000)); // JIT warm-up
  const ipv4MissMicros = time(v4);
  const ipv6MissMicros = time(v6);
  const hot = v4.slice(0, 5_000);
  time(hot);
  const cachedMicros = time(Array.from({ length: 20 }, () => hot).flat());
  return { openMs, ranges: lookup.ranges, ipv4MissMicros, ipv6MissMicros, cachedMicros };
}

if (import.meta.main) {
  const r = benchHosting();
  console.log(
    `open ${r.openMs.toFixed(0)} ms (${r.ranges} ranges); lookup µs: IPv4 miss ` +
      `${r.ipv4MissMicros.toFixed(2)}, IPv6 miss ${r.ipv6MissMicros.toFixed(2)}, cached ` +
      `${r.cachedMicros.toFixed(2)}`,
  );
}
