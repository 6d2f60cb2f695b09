// The verifier's memory of tokens already proven sound (authentic challenge, nonce meets its
// difficulty), keyed by the whole token string, so a page's further hits skip the MAC and the
// hash. It holds only what never changes for a token: its signed fields and, once claimed, the
// visitor that owns it. Time-dependent checks (skew, window, epoch lifetime) and the visitor
// comparison run on every call, so a cached token expires and is replayed exactly as an uncached
// one. Bounded by two generations of half the capacity each: when the young one is full it
// becomes the old one and the previous old one is dropped whole (O(1); evicting single entries
// from the front of a Map makes V8 skip ever more deleted slots). Memory stays flat under a flood
// of solved tokens; a dropped token is simply verified in full again.

/** Entries held at most (about 200 bytes each with a ~120-character token as the key). */
export const DEFAULT_SOUND_TOKENS = 50_000;

export interface SealedInput {
  readonly evidence: string | null;
  readonly salt: string;
}

export interface SoundToken {
  readonly site: string;
  readonly epoch: number;
  /** Unix seconds, as signed. */
  readonly issuedAt: number;
  readonly difficulty: number;
  /** What the nonce sealed besides the challenge: the browser evidence (null: none) and salt. */
  readonly sealed: SealedInput;
  /** The visitor that claimed the token first; set after the store's claim answered. */
  owner?: string;
}

export class SoundTokens {
  #young = new Map<string, SoundToken>();
  #old = new Map<string, SoundToken>();
  readonly #generation: number;

  constructor(capacity = DEFAULT_SOUND_TOKENS) {
    if (!Number.isSafeInteger(capacity) || capacity < 0) {
      throw new RangeError(`capacity must be a non-negative integer, got ${capacity}`);
    }
    this.#generation = Math.floor(capacity / 2);
  }

  get size(): number {
    return this.#young.size + this.#old.size;
  }

  get(token: string): SoundToken | undefined {
    return this.#young.get(token) ?? this.#old.get(token);
  }

  /** Remembers a token whose MAC and hash were just checked; nothing else may be added. */
  add(token: string, entry: SoundToken): void {
    if (this.#generation === 0) return;
    if (this.#young.size >= this.#generation) {
      this.#old = this.#young;
      this.#young = new Map();
    }
    this.#young.set(token, entry);
  }

  /** Forgets a token that can never verify again (expired). */
  delete(token: string): void {
    this.#young.delete(token);
    this.#old.delete(token);
  }
}
