// IP ranges of selected autonomous systems, read from ip-location-db's ASN CSV files
// (`start,end,asn,organisation`, inclusive ranges, sorted, one line each) and searched by binary
// search. Only rows of the wanted ASNs are kept: every other line is skipped after reading its
// ASN, so a 515 000-line load keeps a few thousand ranges in typed arrays.
import { ipv6Prefix } from "./ip_number.ts";

const COMMA = 44;
const NEWLINE = 10;
const ZERO = 48;

/** Sorted, non-overlapping IPv4 ranges (as unsigned 32-bit numbers) with their ASN. */
class Ipv4Ranges {
  readonly starts: Uint32Array;
  readonly ends: Uint32Array;
  readonly asns: Uint32Array;

  constructor(rows: number[][]) {
    this.starts = Uint32Array.from(rows, (row) => row[0]);
    this.ends = Uint32Array.from(rows, (row) => row[1]);
    this.asns = Uint32Array.from(rows, (row) => row[2]);
  }

  find(ip: number): number | null {
    const at = lastAtOrBelow(this.starts.length, (i) => this.starts[i] <= ip);
    return at >= 0 && ip <= this.ends[at] ? this.asns[at] : null;
  }
}

/**
 * IPv6 ranges by their first 64 bits (the routing prefix; a /64 is one subscriber or host, RFC
 * 4291 §2.5.1), each 64-bit value held as a high and a low 32-bit half.
 */
class Ipv6Ranges {
  readonly #startHi: Uint32Array;
  readonly #startLo: Uint32Array;
  readonly #endHi: Uint32Array;
  readonly #endLo: Uint32Array;
  readonly #asns: Uint32Array;

  constructor(rows: number[][]) {
    this.#startHi = Uint32Array.from(rows, (row) => row[0]);
    this.#startLo = Uint32Array.from(rows, (row) => row[1]);
    this.#endHi = Uint32Array.from(rows, (row) => row[2]);
    this.#endLo = Uint32Array.from(rows, (row) => row[3]);
    this.#asns = Uint32Array.from(rows, (row) => row[4]);
  }

  get length(): number {
    return this.#asns.length;
  }

  find(hi: number, lo: number): number | null {
    const at = lastAtOrBelow(
      this.#asns.length,
      (i) => this.#startHi[i] < hi || (this.#startHi[i] === hi && this.#startLo[i] <= lo),
    );
    if (at < 0) return null;
    const endHi = this.#endHi[at];
    return hi < endHi || (hi === endHi && lo <= this.#endLo[at]) ? this.#asns[at] : null;
  }
}

/** The index of the last element for which `isAtOrBelow` holds (it holds for a prefix), or -1. */
function lastAtOrBelow(length: number, isAtOrBelow: (index: number) => boolean): number {
  let low = 0;
  let high = length - 1;
  let found = -1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    if (isAtOrBelow(mid)) {
      found = mid;
      low = mid + 1;
    } else {
      high = mid - 1;
    }
  }
  return found;
}

export class AsnRanges {
  readonly #v4: Ipv4Ranges;
  readonly #v6: Ipv6Ranges;

  constructor(v4: Ipv4Ranges, v6: Ipv6Ranges) {
    this.#v4 = v4;
    this.#v6 = v6;
  }

  /** Ranges kept (IPv4 + IPv6), for the boot log and tests. */
  get size(): number {
    return this.#v4.starts.length + this.#v6.length;
  }

  /** The ASN whose range holds this IPv4 address (as a number, ipv4Number), or null. */
  findIpv4(address: number): number | null {
    return this.#v4.find(address);
  }

  /** The ASN whose range holds this IPv6 prefix (ipv6Prefix), or null. */
  findIpv6([hi, lo]: [number, number]): number | null {
    return this.#v6.find(hi, lo);
  }
}

/**
 * Reads the rows of `asns` from ip-location-db's `asn-ipv4-num.csv` (addresses as decimal
 * numbers) and `asn-ipv6.csv` (addresses as text). Throws on a malformed line.
 */
export function parseAsnRanges(
  ipv4NumCsv: Uint8Array,
  ipv6Csv: Uint8Array,
  asns: ReadonlySet<number>,
): AsnRanges {
  const v4: number[][] = [];
  forEachWantedRow(ipv4NumCsv, asns, (csv, start, comma, end, asn) => {
    const from = decimalField(csv, start, comma);
    const to = decimalField(csv, comma + 1, end);
    if (from > 0xffffffff || to > 0xffffffff || to < from) {
      throw new SyntaxError(`not an IPv4 range: ${from},${to}`);
    }
    const last = v4[v4.length - 1];
    // Adjacent ranges of one network merge: fewer, longer ranges, the same answers.
    if (last && last[2] === asn && last[1] + 1 >= from) last[1] = Math.max(last[1], to);
    else v4.push([from, to, asn]);
  });
  const v6: number[][] = [];
  forEachWantedRow(ipv6Csv, asns, (csv, start, comma, end, asn) => {
    const from = ipv6Prefix(ascii(csv.subarray(start, comma)));
    const to = ipv6Prefix(ascii(csv.subarray(comma + 1, end)));
    if (from === null || to === null) throw new SyntaxError(`not an IPv6 range at byte ${start}`);
    const [fromHi, fromLo] = from;
    const [toHi, toLo] = to;
    const last = v6[v6.length - 1];
    // Ranges shorter than a /64 fold into their /64; one that starts inside the previous kept
    // range extends it (the first network keeps that /64), so the table stays non-overlapping.
    if (last && (last[2] > fromHi || (last[2] === fromHi && last[3] >= fromLo))) {
      if (toHi > last[2] || (toHi === last[2] && toLo > last[3])) {
        last[2] = toHi;
        last[3] = toLo;
      }
    } else {
      v6.push([fromHi, fromLo, toHi, toLo, asn]);
    }
  });
  return new AsnRanges(new Ipv4Ranges(v4), new Ipv6Ranges(v6));
}

/** The decimal number in bytes [from, to); throws on anything but digits. */
function decimalField(csv: Uint8Array, from: number, to: number): number {
  if (to <= from || to - from > 15) throw new SyntaxError(`not a number at byte ${from}`);
  let value = 0;
  for (let at = from; at < to; at++) {
    const digit = csv[at] - ZERO;
    if (digit < 0 || digit > 9) throw new SyntaxError(`not a number at byte ${from}`);
    value = value * 10 + digit;
  }
  return value;
}

/**
 * Calls `row` with the byte offsets of the two address fields (start, the comma between them,
 * their end) of each line whose third field is a wanted ASN.
 */
function forEachWantedRow(
  csv: Uint8Array,
  asns: ReadonlySet<number>,
  row: (csv: Uint8Array, start: number, comma: number, end: number, asn: number) => void,
): void {
  const length = csv.length;
  let line = 0;
  let pos = 0;
  while (pos < length) {
    line++;
    // The address fields are short: scanning them byte by byte beats two indexOf calls.
    let first = pos;
    while (first < length && csv[first] !== COMMA && csv[first] !== NEWLINE) first++;
    let second = first + 1;
    while (second < length && csv[second] !== COMMA && csv[second] !== NEWLINE) second++;
    if (first >= length || csv[first] !== COMMA || second >= length || csv[second] !== COMMA) {
      if (first > pos) throw new SyntaxError(`line ${line}: expected start,end,asn,…`);
      pos = first + 1; // an empty line
      continue;
    }
    let asn = 0;
    let at = second + 1;
    for (; at < length; at++) {
      const digit = csv[at] - ZERO;
      if (digit < 0 || digit > 9) break;
      asn = asn * 10 + digit;
    }
    if (at === second + 1) throw new SyntaxError(`line ${line}: the ASN is not a number`);
    if (asns.has(asn)) {
      row(csv, pos, first, second, asn);
    }
    // The organisation name may hold quoted commas; nothing after the ASN is read.
    const eol = csv.indexOf(NEWLINE, at);
    pos = eol < 0 ? length : eol + 1;
  }
}

/** A short ASCII field as a string (TextDecoder costs a few µs a call; there are thousands). */
function ascii(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes);
}
