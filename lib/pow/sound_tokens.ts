// The verifier's memory of tokens already proven sound (authentic challenge, nonce meets its
// difficulty), keyed by the whole token string, so a page's further hits skip the MAC and the
// hash. It holds only what never changes for a token: its signed fields and, once claimed, the
// visitor that owns it. Time-dependent checks (skew, window, epoch lifetime) and the visitor
// comparison run on every call, so a cached token expires and is replayed exactly as an uncached
// one. Bounded: at capacity the longest-held entry goes (insertion order), so memory stays flat
// under a flood of solved tokens; an evicted token is simply verified in full again.

/** Entries held at most (about 200 bytes each with a ~120-character token as the key). */
export const DEFAULT_SOUND_TOKENS = 50_000;

export interface SoundToken {
  readonly site: string;
  readonly epoch: number;
  /** Unix seconds, as signed. */
  readonly issuedAt: number;
  readonly difficulty: number;
  /** The visitor that claimed the token first; set after the store's claim answered. */
  owner?: string;
}

export class SoundTokens {
  readonly #entries = new Map<string, SoundToken>();
  readonly #capacity: number;

  constructor(capacity = DEFAULT_SOUND_TOKENS) {
    if (!Number.isSafeInteger(capacity) || capacity < 0) {
      throw new RangeError(`capacity must be a non-negative integer, got ${capacity}`);
    }
    this.#capacity = capacity;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(token: string): SoundToken | undefined {
    return this.#entries.get(token);
  }

  /** Remembers a token whose MAC and hash were just checked; nothing else may be added. */
  add(token: string, entry: SoundToken): void {
    if (this.#capacity === 0) return;
    if (this.#entries.size >= this.#capacity) {
      this.#entries.delete(this.#entries.keys().next().value!);
    }
    this.#entries.set(token, entry);
  }

  /** Forgets a token that can never verify again (expired). */
  delete(token: string): void {
    this.#entries.delete(token);
  }
}
