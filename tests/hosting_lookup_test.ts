// The IP→ASN tables behind the hosting signal: strict IP parsing, ranges read from CSV rows of
// the wanted networks only (IPv4 numeric, IPv6 text, /64 prefixes), the bundled data answering
// for well-known cloud addresses, and a missing data folder turning the signal off, not a crash.
import assert from "node:assert/strict";
import { HOSTING_NETWORKS, hostingAsns } from "../lib/bots/hosting_networks.ts";
import { parseAsnRanges } from "../lib/ingest/asn_ranges.ts";
import { openHostingLookup } from "../lib/ingest/hosting_lookup.ts";
import { ipv4Number, ipv6Prefix } from "../lib/ingest/ip_number.ts";

const encode = (text: string) => new TextEncoder().encode(text);

Deno.test("ipv4Number: dotted quads only", () => {
  assert.equal(ipv4Number("0.0.0.0"), 0);
  assert.equal(ipv4Number("1.2.3.4"), 0x01020304);
  assert.equal(ipv4Number("255.255.255.255"), 0xffffffff);
  for (
    const bad of [
      "",
      "1.2.3",
      "1.2.3.4.5",
      "256.1.1.1",
      "01.2.3.4",
      "1..2.3",
      "0x7f.0.0.1",
      "2130706433",
      "1.2.3.4 ",
    ]
  ) {
    assert.equal(ipv4Number(bad), null, bad);
  }
});

Deno.test("ipv6Prefix: the first 64 bits as two halves", () => {
  assert.deepEqual(ipv6Prefix("2a01:4f8::1"), [0x2a0104f8, 0]);
  assert.deepEqual(ipv6Prefix("2001:db8:1:2:3:4:5:6"), [0x20010db8, 0x00010002]);
  assert.deepEqual(ipv6Prefix("::"), [0, 0]);
  assert.deepEqual(ipv6Prefix("::1"), [0, 0]);
  assert.deepEqual(ipv6Prefix("2001:db8::"), [0x20010db8, 0]);
  assert.deepEqual(ipv6Prefix("64:ff9b::192.0.2.1"), [0x0064ff9b, 0]);
  assert.deepEqual(ipv6Prefix("1:2:3:4:5:6:7::"), [0x00010002, 0x00030004]);
  assert.deepEqual(ipv6Prefix("::2:3:4:5:6:7:8"), [0x00000002, 0x00030004]);
  assert.deepEqual(ipv6Prefix("::1.2.3.4"), [0, 0]);
  assert.deepEqual(ipv6Prefix("FFFF:ffff:ffff:ffff::"), [0xffffffff, 0xffffffff]);
  for (
    const bad of [
      "",
      ":",
      "1:2",
      "1::2::3",
      "12345::",
      "2001:db8:",
      "g::1",
      "1:2:3:4:5:6:7:8:9",
      "::1.2.3",
    ]
  ) {
    assert.equal(ipv6Prefix(bad), null, bad);
  }
});

Deno.test("parseAsnRanges keeps the wanted networks and answers by range", () => {
  const v4 = encode(
    [
      '16777216,16777471,13335,"Cloudflare, Inc."', // 1.0.0.0-1.0.0.255
      "16777472,16777727,64500,Example Host", // 1.0.1.0-1.0.1.255
      "16777728,16777983,64500,Example Host", // 1.0.2.0-1.0.2.255 (merges with the row above)
      "16778240,16779263,64501,Other Host", // 1.0.4.0-1.0.7.255
      "",
    ].join("\n"),
  );
  const v6 = encode(
    [
      "2001:db8::,2001:db8:0:ffff:ffff:ffff:ffff:ffff,64500,Example Host",
      "2001:db8:1::,2001:db8:1::ff,64501,Other Host", // shorter than a /64: its /64 counts
      "2001:db9::,2001:db9::ffff,64999,Not wanted",
    ].join("\n"),
  );
  const ranges = parseAsnRanges(v4, v6, new Set([64500, 64501]));
  assert.equal(ranges.size, 2 + 2, "the two adjacent rows of AS64500 became one range");
  const v4Asn = (ip: string) => ranges.findIpv4(ipv4Number(ip)!);
  assert.equal(v4Asn("1.0.0.9"), null, "not a wanted network");
  assert.equal(v4Asn("1.0.1.0"), 64500);
  assert.equal(v4Asn("1.0.2.255"), 64500);
  assert.equal(v4Asn("1.0.3.1"), null, "a gap");
  assert.equal(v4Asn("1.0.7.255"), 64501);
  assert.equal(v4Asn("1.0.8.0"), null);
  const v6Asn = (ip: string) => ranges.findIpv6(ipv6Prefix(ip)!);
  assert.equal(v6Asn("2001:db8::1"), 64500);
  assert.equal(v6Asn("2001:db8:0:ffff::1"), 64500);
  assert.equal(v6Asn("2001:db8:1:0:ffff::1"), 64501);
  assert.equal(v6Asn("2001:db8:1:1::1"), null);
  assert.equal(v6Asn("2001:db9::1"), null);
});

Deno.test("parseAsnRanges names a malformed line", () => {
  assert.throws(
    () => parseAsnRanges(encode("1,2,64500,A\nnot a csv line\n"), encode(""), new Set([64500])),
    /line 2: expected start,end,asn/,
  );
  assert.throws(
    () => parseAsnRanges(encode("1,2,AS64500,A\n"), encode(""), new Set()),
    /line 1: the ASN is not a number/,
  );
});

Deno.test("the bundled data: well-known cloud addresses are hosting, others are not", () => {
  const lookup = openHostingLookup(hostingAsns({ add: [], remove: [] }));
  assert.equal(lookup.available, true, lookup.error ?? "");
  assert.ok(lookup.ranges > 1000, `${lookup.ranges} ranges`);
  const cases: [string, number | null][] = [
    ["3.5.140.2", 16509], // AWS
    ["34.102.136.180", 396982], // Google Cloud
    ["20.42.65.92", 8075], // Azure
    ["138.197.1.1", 14061], // DigitalOcean
    ["5.9.1.1", 24940], // Hetzner
    ["::ffff:5.9.1.1", 24940],
    ["2a01:4f8::1", 24940],
    ["8.8.8.8", null], // Google's resolver (AS15169, left out on purpose)
    ["1.1.1.1", null], // Cloudflare (WARP, Private Relay: left out)
    ["24.48.0.1", null],
    ["10.0.0.1", null],
    ["garbage", null],
    ["", null],
  ];
  for (const [ip, asn] of cases) assert.equal(lookup.hostingAsn(ip), asn, ip);
});

Deno.test("the bundled list: unique ASNs, each with ranges in the data", () => {
  const asns = HOSTING_NETWORKS.map((network) => network.asn);
  assert.equal(new Set(asns).size, asns.length);
  const lookupAll = hostingAsns({ add: [], remove: [] });
  assert.equal(lookupAll.size, asns.length);
  const csv = Deno.readTextFileSync(
    new URL("../node_modules/@ip-location-db/asn/asn-ipv4-num.csv", import.meta.url),
  );
  const present = new Set(csv.split("\n").map((line) => Number(line.split(",")[2])));
  for (const asn of asns) assert.ok(present.has(asn), `AS${asn} has IPv4 ranges in the data`);
});

Deno.test("a missing data folder: the lookup is off and says why", () => {
  const lookup = openHostingLookup(new Set([24940]), "/nonexistent/asn/");
  assert.equal(lookup.available, false);
  assert.match(lookup.error ?? "", /cannot read the IP→ASN data in \/nonexistent\/asn\//);
  assert.equal(lookup.hostingAsn("5.9.1.1"), null);
});
