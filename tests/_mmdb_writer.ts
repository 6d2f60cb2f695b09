// A minimal MaxMind DB (MMDB 2.0) writer for test fixtures: an IPv6 search tree with 24-bit
// records (IPv4 networks live at ::a.b.c.d/96+n, where readers look for them), a data section of
// maps, strings, numbers and arrays, and the metadata block. Spec: "MaxMind DB File Format
// Specification" 2.0 (maxmind.github.io/MaxMind-DB). No pointers, no deduplication: small files.
import { Buffer } from "node:buffer";
import { isIP } from "node:net";

export type MmdbValue = string | number | boolean | MmdbValue[] | { [key: string]: MmdbValue };

export interface MmdbNetwork {
  /** "81.2.69.0/24" or "2a02:ff0::/32". */
  cidr: string;
  record: MmdbValue;
}

export interface MmdbOptions {
  databaseType: string;
  description?: string;
  buildEpoch?: number;
  languages?: string[];
}

const METADATA_MARKER = Buffer.from("\xab\xcd\xefMaxMind.com", "latin1");

/** The 128 bits of an address (IPv4 mapped at ::a.b.c.d), most significant first. */
function addressBits(ip: string): number[] {
  const bytes = new Uint8Array(16);
  if (isIP(ip) === 4) {
    ip.split(".").forEach((part, i) => bytes[12 + i] = Number(part));
  } else if (isIP(ip) === 6) {
    const [head, tail = ""] = ip.split("::");
    const left = head ? head.split(":") : [];
    const right = ip.includes("::") && tail ? tail.split(":") : [];
    const groups = [...left, ...Array(8 - left.length - right.length).fill("0"), ...right];
    groups.forEach((g, i) => {
      const n = parseInt(g, 16);
      bytes[2 * i] = n >> 8;
      bytes[2 * i + 1] = n & 255;
    });
  } else {
    throw new Error(`not an IP: ${ip}`);
  }
  const bits: number[] = [];
  for (const byte of bytes) for (let b = 7; b >= 0; b--) bits.push((byte >> b) & 1);
  return bits;
}

// --- data section encoding -----------------------------------------------------------------

function control(type: number, size: number): number[] {
  const out: number[] = [];
  const extended = type > 7;
  let first = (extended ? 0 : type) << 5;
  let extra: number[] = [];
  if (size < 29) first |= size;
  else if (size < 285) {
    first |= 29;
    extra = [size - 29];
  } else if (size < 65_821) {
    first |= 30;
    const n = size - 285;
    extra = [n >> 8, n & 255];
  } else {
    first |= 31;
    const n = size - 65_821;
    extra = [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  }
  out.push(first);
  if (extended) out.push(type - 7);
  out.push(...extra);
  return out;
}

function unsigned(type: number, value: number | bigint): number[] {
  const bytes: number[] = [];
  let n = BigInt(value);
  while (n > 0n) {
    bytes.unshift(Number(n & 255n));
    n >>= 8n;
  }
  return [...control(type, bytes.length), ...bytes];
}

function encode(value: MmdbValue): number[] {
  if (typeof value === "string") {
    const bytes = [...new TextEncoder().encode(value)];
    return [...control(2, bytes.length), ...bytes];
  }
  if (typeof value === "boolean") return control(14, value ? 1 : 0);
  if (typeof value === "number") {
    if (Number.isInteger(value) && value >= 0) return unsigned(value < 2 ** 32 ? 6 : 9, value);
    const bytes = Buffer.alloc(8);
    bytes.writeDoubleBE(value);
    return [...control(3, 8), ...bytes];
  }
  if (Array.isArray(value)) return [...control(11, value.length), ...value.flatMap(encode)];
  const entries = Object.entries(value);
  return [
    ...control(7, entries.length),
    ...entries.flatMap(([k, v]) => [...encode(k), ...encode(v)]),
  ];
}

// --- search tree -----------------------------------------------------------------------------

type Slot = { node: number } | { data: number } | null;

/** The bytes of an MMDB holding these networks (non-overlapping) and records. */
export function buildMmdb(networks: MmdbNetwork[], options: MmdbOptions): Uint8Array {
  const nodes: [Slot, Slot][] = [[null, null]];
  const data: number[] = [];
  for (const { cidr, record } of networks) {
    const [ip, prefixText] = cidr.split("/");
    const bits = addressBits(ip);
    const prefix = Number(prefixText) + (isIP(ip) === 4 ? 96 : 0);
    const offset = data.length;
    data.push(...encode(record));
    let node = 0;
    for (let depth = 0; depth < prefix; depth++) {
      const bit = bits[depth];
      if (depth === prefix - 1) {
        nodes[node][bit] = { data: offset };
        break;
      }
      const slot = nodes[node][bit];
      if (slot !== null && "data" in slot) throw new Error(`${cidr} overlaps another network`);
      if (slot === null) {
        nodes.push([null, null]);
        nodes[node][bit] = { node: nodes.length - 1 };
      }
      node = (nodes[node][bit] as { node: number }).node;
    }
  }
  const count = nodes.length;
  const value = (slot: Slot) =>
    slot === null ? count : "node" in slot ? slot.node : count + 16 + slot.data;
  const tree: number[] = [];
  for (const [left, right] of nodes) {
    for (const v of [value(left), value(right)]) {
      tree.push((v >> 16) & 255, (v >> 8) & 255, v & 255);
    }
  }
  const metadata = encode({
    node_count: count,
    record_size: 24,
    ip_version: 6,
    database_type: options.databaseType,
    languages: options.languages ?? ["en"],
    binary_format_major_version: 2,
    binary_format_minor_version: 0,
    build_epoch: options.buildEpoch ?? Math.floor(Date.now() / 1000),
    description: { en: options.description ?? options.databaseType },
  });
  return new Uint8Array([
    ...tree,
    ...new Array(16).fill(0),
    ...data,
    ...METADATA_MARKER,
    ...metadata,
  ]);
}
