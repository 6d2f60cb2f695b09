// The views a connection's batches have just aggregated, kept for its next batches: each batch of
// the per-day aggregates (./aggregates.ts upsertAggregates) needs every earlier view of its
// visitors and sessions, and reading them back from SQLite and rendering their facts was 35-40 %
// of the write thread's CPU per view under the pixel load (bench/pixel_costs.md). The
// write thread is a site's only writer of views, so what it wrote stays true until something else
// changes the raw rows — and everything that does marks days in aggregate_dirty (migrations
// 16-19): the cache trusts itself only while the marks' counter (aggregate_epoch) has not moved,
// no day is marked, and this connection wrote the views right before the batch's first id. Lists
// are complete or absent: a visitor's (or a session's) every view not excluded, or nothing.
import type { Database } from "./database.ts";

/** The views kept, over both lists: about 0.3-0.5 KB each (their facts share their key lists). */
export const CACHED_VIEWS = 120_000;
/** A visitor or session with more views is not kept (./aggregates.ts MAX_INCREMENTAL_VIEWS marks
 * such a batch's days dirty instead). */
const MAX_LIST = 2_000;

interface Cached {
  id: number;
  site_id: string;
  visitor_id: string;
  session_id: string | null;
}

const SEP = "\u0000";

export class RelatedCache<V extends Cached> {
  readonly #visitors = new Map<string, V[]>();
  readonly #sessions = new Map<string, V[]>();
  #views = 0;
  #epoch = -1;
  #lastId = -1;

  /** Whether the lists may be used for the batch of views [firstId, …]: drops them otherwise. */
  validate(db: Database, firstId: number): boolean {
    const state = db.get<{ n: number; marked: number }>(
      "SELECT n, EXISTS (SELECT 1 FROM aggregate_dirty) AS marked FROM aggregate_epoch",
    );
    const fresh = state !== undefined && state.marked === 0 && state.n === this.#epoch &&
      firstId === this.#lastId + 1;
    if (!fresh) this.clear();
    this.#epoch = state?.n ?? -1;
    return fresh;
  }

  /** After the batch's transaction committed: its views up to `lastId` are in the lists. */
  committed(lastId: number): void {
    this.#lastId = lastId;
  }

  clear(): void {
    this.#visitors.clear();
    this.#sessions.clear();
    this.#views = 0;
    this.#lastId = -1;
  }

  visitor(site: string, visitor: string): V[] | undefined {
    return this.#visitors.get(`${site}${SEP}${visitor}`);
  }

  session(site: string, session: string): V[] | undefined {
    return this.#sessions.get(`${site}${SEP}${session}`);
  }

  /** A visitor's or a session's complete list, read from the rows. */
  keepVisitor(site: string, visitor: string, views: V[]): void {
    this.#keep(this.#visitors, `${site}${SEP}${visitor}`, views);
  }

  keepSession(site: string, session: string, views: V[]): void {
    this.#keep(this.#sessions, `${site}${SEP}${session}`, views);
  }

  /** A batch's views (in the rows now) added to the lists that are kept. */
  append(views: readonly V[]): void {
    for (const v of views) {
      this.#add(this.#visitors, `${v.site_id}${SEP}${v.visitor_id}`, v);
      if (v.session_id !== null) this.#add(this.#sessions, `${v.site_id}${SEP}${v.session_id}`, v);
    }
    this.#evict();
  }

  #add(lists: Map<string, V[]>, key: string, v: V) {
    const list = lists.get(key);
    if (!list) return;
    // Moved to the end: the lists a batch touches are the last evicted.
    lists.delete(key);
    if (list.length >= MAX_LIST) {
      this.#views -= list.length;
      return;
    }
    list.push(v);
    lists.set(key, list);
    this.#views++;
  }

  #keep(lists: Map<string, V[]>, key: string, views: V[]) {
    const old = lists.get(key);
    if (old) this.#views -= old.length;
    lists.delete(key);
    if (views.length >= MAX_LIST) return;
    lists.set(key, views);
    this.#views += views.length;
    this.#evict();
  }

  #evict() {
    while (this.#views > CACHED_VIEWS && (this.#visitors.size > 0 || this.#sessions.size > 0)) {
      for (const lists of [this.#visitors, this.#sessions]) {
        const oldest = lists.keys().next();
        if (oldest.done) continue;
        this.#views -= lists.get(oldest.value)!.length;
        lists.delete(oldest.value);
      }
    }
  }
}

const caches = new WeakMap<Database, RelatedCache<Cached>>();

/** The connection's cache (one per connection: each writes its own batches). */
export function relatedCache<V extends Cached>(db: Database): RelatedCache<V> {
  let cache = caches.get(db);
  if (!cache) caches.set(db, cache = new RelatedCache());
  return cache as RelatedCache<V>;
}
