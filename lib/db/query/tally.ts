// Groups a compiled batch's rows (compile.ts compileBatch: one row per view or event some member's
// filter keeps) into every member's families in one pass per family over them, as compile.ts
// AGGREGATE_SQL counts a family: page views and distinct visitors per (group, visitor day),
// distinct sessions, events and their sums, the bot share. A group has a row when it counted
// something; a member without dimensions has one row, zeros when nothing counted. Strings (days,
// visitors, sessions, each column's values) are numbered once per batch, so members group and
// count distinct pairs by number.
import { type Aggregate, AGGREGATES, EVENT_FAMILIES, type Family } from "../../query/metrics.ts";
import type { SqlParam } from "../database.ts";
import {
  BATCH_HEAD,
  type BatchLayout,
  type BatchMember,
  MASK_BITS,
  PACK_SEPARATOR,
} from "./compile.ts";
import type { AggregateRow } from "./mod.ts";

type BatchRow = readonly SqlParam[];

const KIND = 0, VISITOR_DAY = 1, C0 = 2, C1 = 3, C2 = 4, C3 = 5, C4 = 6;

/** Each family's aggregates, in the order of their sums. */
const NAMES = Object.fromEntries(
  (["views", "sessions", "events", "event_visitors", "bots"] as const).map((f) => [
    f,
    (Object.keys(AGGREGATES) as Aggregate[]).filter((a) => AGGREGATES[a] === f),
  ]),
) as Record<Family, Aggregate[]>;

/** Numbers for the values of one column (null: -1, or `nullAs`'s), in first-seen order, with
 * their text; rows of another kind than `only` get -1. */
function numbered(rows: readonly BatchRow[], column: number, only?: number, nullAs?: string) {
  const ids = new Map<SqlParam, number>();
  const texts: string[] = [];
  const of = new Int32Array(rows.length).fill(-1);
  for (let i = 0; i < rows.length; i++) {
    const value = rows[i][column] ?? nullAs ?? null;
    if (value === null || (only !== undefined && rows[i][KIND] !== only)) continue;
    let id = ids.get(value);
    if (id === undefined) {
      ids.set(value, id = texts.length);
      texts.push(String(value));
    }
    of[i] = id;
  }
  return { of, texts };
}

/** Distinct (group, other) pairs, as numbers when their product fits, else as text. */
class Pairs {
  readonly #seen = new Set<number | string>();
  readonly #numeric: boolean;
  constructor(groups: number, readonly others: number) {
    this.#numeric = groups * others < Number.MAX_SAFE_INTEGER;
  }
  /** Whether the pair is new. */
  add(group: number, other: number): boolean {
    const before = this.#seen.size;
    this.#seen.add(this.#numeric ? group * this.others + other : `${group}:${other}`);
    return this.#seen.size !== before;
  }
}

/** Each value's numbers (by its index in its kind's dimensions) from the packed columns: a visit's
 * attributes' string split once, the others' on each row; null when a value holds the separator
 * (then the batch is read unpacked). */
function unpack(rows: readonly BatchRow[], first: number, layout: BatchLayout) {
  const kinds = [layout.views, layout.events];
  const width = Math.max(...kinds.map((k) => k?.dimensions.length ?? 0));
  const columns = Array.from({ length: width }, () => ({
    of: new Int32Array(rows.length).fill(-1),
    ids: new Map<string, number>(),
    texts: [] as string[],
  }));
  const idOf = (c: number, text: string) => {
    const column = columns[c];
    let id = column.ids.get(text);
    if (id === undefined) column.ids.set(text, id = column.texts.push(text) - 1);
    return id;
  };
  const split = (packed: string, pack: readonly number[]) => {
    const parts = pack.length ? packed.split(PACK_SEPARATOR) : [];
    return parts.length === pack.length ? parts.map((text, q) => idOf(pack[q], text)) : null;
  };
  // A visit's attributes: each distinct string's numbers, per kind.
  const known = [new Map<string, number[]>(), new Map<string, number[]>()];
  for (let i = 0; i < rows.length; i++) {
    const kind = rows[i][KIND] as 0 | 1, [visit, other] = kinds[kind]!.packs;
    const packed = String(rows[i][first]);
    let ids = known[kind].get(packed);
    if (!ids) {
      const found = split(packed, visit);
      if (!found) return null;
      known[kind].set(packed, ids = found);
    }
    for (let q = 0; q < visit.length; q++) columns[visit[q]].of[i] = ids[q];
    const others = split(String(rows[i][first + 1]), other);
    if (!others) return null;
    for (let q = 0; q < other.length; q++) columns[other[q]].of[i] = others[q];
  }
  return columns;
}

const num = (cell: SqlParam): number => (cell === null ? 0 : Number(cell));

/** A member's group of each row a family counts (`keep`; -1: not counted), and the groups'
 * dimension values. */
function groupsOf(
  count: number,
  keep: (i: number) => boolean,
  columns: readonly { of: Int32Array; texts: string[] }[],
) {
  const group = new Int32Array(count).fill(-1);
  const dimensions: string[][] = [];
  if (columns.length === 0) {
    // No dimension: one row, zeros when nothing counted (a SQL aggregate without GROUP BY).
    dimensions.push([]);
    for (let i = 0; i < count; i++) if (keep(i)) group[i] = 0;
    return { group, dimensions };
  }
  // One dimension: a group per value number (an array); several: per tuple of them (a map).
  const byValue = columns.length === 1 ? new Int32Array(columns[0].texts.length).fill(-1) : null;
  const byTuple = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    if (!keep(i)) continue;
    let id: number | undefined;
    if (byValue) {
      id = byValue[columns[0].of[i]];
      if (id < 0) byValue[columns[0].of[i]] = id = dimensions.length;
    } else {
      const key = columns.map((c) => c.of[i]).join(",");
      id = byTuple.get(key);
      if (id === undefined) byTuple.set(key, id = dimensions.length);
    }
    if (id === dimensions.length) dimensions.push(columns.map((c) => c.texts[c.of[i]]));
    group[i] = id;
  }
  return { group, dimensions };
}

/**
 * Each member's families from the batch's rows (in `members`' order), with `layout`'s columns;
 * null when packed values cannot be split (a value holds PACK_SEPARATOR).
 */
export function tallyBatch(
  rows: readonly BatchRow[],
  layout: BatchLayout,
  members: readonly BatchMember[],
): Map<Family, AggregateRow[]>[] | null {
  const visitors = numbered(rows, VISITOR_DAY), sessions = numbered(rows, C1, 0);
  const first = BATCH_HEAD.length + layout.masks;
  const packed = layout.packed ? unpack(rows, first, layout) : null;
  if (layout.packed && !packed) return null;
  // Per row: its kind, its masks, whether a view is kept.
  const kinds = Uint8Array.from(rows, (row) => num(row[KIND]));
  const masks = Array.from(
    { length: layout.masks },
    (_, c) => Int32Array.from(rows, (row) => num(row[BATCH_HEAD.length + c])),
  );
  const kept = Uint8Array.from(rows, (row) => (row[C0] === 1 ? 1 : 0));
  const values = new Map<number, { of: Int32Array; texts: string[] }>();
  const valuesOf = (index: number) => {
    if (packed) return packed[index];
    let found = values.get(index);
    // (a null value groups as the SQL path's String(null))
    if (!found) values.set(index, found = numbered(rows, first + index, undefined, "null"));
    return found;
  };
  return members.map((m) => {
    const out = new Map<Family, AggregateRow[]>();
    for (const family of m.families) {
      const event = EVENT_FAMILIES.has(family) ? 1 : 0;
      const kind = event ? layout.events! : layout.views!;
      const j = kind.filterKeys.indexOf(JSON.stringify(m.filter));
      const mask = masks[Math.floor(j / MASK_BITS)], bit = 2 ** (j % MASK_BITS);
      const columns = m.dimensions.map((key) => valuesOf(kind.dimensions.indexOf(key)));
      // The rows each family counts (compile.ts AGGREGATE_SQL's WHERE).
      const counted = (i: number) =>
        kinds[i] === event && (mask[i] & bit) !== 0 &&
        (family === "views" ? kept[i] === 1 : family === "sessions" ? sessions.of[i] >= 0 : true);
      const { group, dimensions } = groupsOf(rows.length, counted, columns);
      const width = NAMES[family].length;
      const sums = new Float64Array(dimensions.length * width);
      const present = new Uint8Array(dimensions.length);
      const distinct = new Pairs(
        dimensions.length,
        family === "sessions" ? sessions.texts.length : visitors.texts.length,
      );
      for (let i = 0; i < rows.length; i++) {
        const g = group[i];
        if (g < 0) continue;
        const row = rows[i], at = g * width, visitor = visitors.of[i];
        present[g] = 1;
        switch (family) {
          case "views":
            sums[at] += 1;
            if (visitor >= 0 && distinct.add(g, visitor)) sums[at + 1] += 1;
            break;
          case "sessions": {
            if (!distinct.add(g, sessions.of[i])) break;
            const n = num(row[C2]);
            sums[at] += 1;
            sums[at + 1] += n === 1 ? 1 : 0;
            sums[at + 2] += n;
            sums[at + 3] += num(row[C3]);
            break;
          }
          case "events":
            sums[at] += 1;
            if (row[C0] !== 1) break;
            // scroll_sum, scroll_n, engaged_ms, engaged_n: the finished page views' values.
            if (row[C1] !== null) (sums[at + 1] += num(row[C1])), (sums[at + 2] += 1);
            if (row[C2] !== null) (sums[at + 3] += num(row[C2])), (sums[at + 4] += 1);
            break;
          case "event_visitors":
            // A group of events without a visitor id has a row (of 0).
            if (visitor >= 0 && distinct.add(g, visitor)) sums[at] += 1;
            break;
          case "bots":
            sums[at] += 1;
            sums[at + 1] += row[C4] === 1 ? 1 : 0;
            break;
        }
      }
      const list: AggregateRow[] = [];
      dimensions.forEach((dims, g) => {
        if (!present[g] && dims.length) return;
        const values: Record<string, number> = {};
        NAMES[family].forEach((a, k) => (values[a] = sums[g * width + k]));
        list.push({ dimensions: dims, values });
      });
      out.set(family, list);
    }
    return out;
  });
}
