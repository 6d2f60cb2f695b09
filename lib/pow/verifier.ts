// Issues challenges and verifies proof-of-work tokens in O(1): one HMAC, one WASM hash call and
// one store claim for a token's first hit, one map lookup for the page's further hits with it
// (sound_tokens.ts). Keeps the modules of the current and previous epoch, built lazily from the
// wasm key, so restarts and other instances serve and accept identical bytecode.
import { Buffer } from "node:buffer";
import type { EphemeralStore } from "../ephemeral.ts";
import { keyedHmac, type Mac } from "../keys.ts";
import {
  isAuthentic,
  issueChallenge,
  MAX_TOKEN_LENGTH,
  parseToken,
  solvedInput,
} from "./challenge.ts";
import { PowInstance } from "./instance.ts";
import { epochOf, powParams } from "./params.ts";
import { leadingZeroBits } from "./reference_hash.ts";
import { type SealedInput, type SoundToken, SoundTokens } from "./sound_tokens.ts";
import type { PowVerdict } from "./verdict.ts";
import { buildPowModule } from "./wasm_builder.ts";

/** How far a challenge's issue time may lie ahead of our clock (another instance's clock). */
export const DEFAULT_SKEW_MS = 60_000;

export interface PowVerifierOptions {
  challengeKey: Uint8Array;
  wasmKey: Uint8Array;
  /** How long a solved token stays acceptable after its challenge was issued. */
  windowMs: number;
  /** Remembers spent tokens; shared between instances when the app scales out. */
  store: EphemeralStore;
  now?: () => number;
  skewMs?: number;
  /** Sound tokens remembered between hits (default DEFAULT_SOUND_TOKENS; 0 turns it off). */
  soundTokens?: number;
}

export interface PowModule {
  readonly epoch: number;
  /** The full module (with the `hash` export the server verifies with). */
  readonly bytes: Uint8Array<ArrayBuffer>;
  /**
   * The browser's module (only `solve`) in lowercase hex, ready to embed in the tracker: hex
   * keeps byte boundaries, so gzip compresses it better than base64 (about 40 bytes).
   */
  readonly hex: string;
}

export interface PowResult {
  readonly verdict: PowVerdict;
  /** Present once the challenge is authentic. */
  readonly difficulty?: number;
  readonly issuedAt?: number;
  /** For a sound token (valid or replayed): the evidence its nonce sealed, and the salt. */
  readonly sealed?: SealedInput;
}

interface EpochEntry {
  readonly module: PowModule;
  /** Compiled from the same bytes at build time, so a caller mutating `bytes` cannot affect it. */
  readonly instance: PowInstance;
}

const MISSING: PowResult = Object.freeze({ verdict: "missing" });
const INVALID: PowResult = Object.freeze({ verdict: "invalid" });

export class PowVerifier {
  readonly #challengeMac: Mac;
  readonly #wasmKey: Uint8Array;
  readonly #windowMs: number;
  readonly #skewMs: number;
  readonly #store: EphemeralStore;
  readonly #now: () => number;
  readonly #epochs = new Map<number, EpochEntry>();
  readonly #sound: SoundTokens;

  constructor(options: PowVerifierOptions) {
    const { challengeKey, wasmKey, windowMs, store } = options;
    if (challengeKey.length < 16) throw new RangeError("challengeKey must hold at least 16 bytes");
    if (wasmKey.length < 16) throw new RangeError("wasmKey must hold at least 16 bytes");
    if (!Number.isFinite(windowMs) || windowMs <= 0) {
      throw new RangeError(`windowMs must be positive, got ${windowMs}`);
    }
    this.#challengeMac = keyedHmac(challengeKey);
    this.#wasmKey = wasmKey;
    this.#windowMs = windowMs;
    this.#skewMs = options.skewMs ?? DEFAULT_SKEW_MS;
    this.#store = store;
    this.#now = options.now ?? Date.now;
    this.#sound = new SoundTokens(options.soundTokens);
  }

  /** The module for `epoch`; only the current and previous epochs stay cached. */
  moduleFor(epoch: number): PowModule {
    return this.#entry(epoch).module;
  }

  currentModule(): PowModule {
    return this.moduleFor(epochOf(this.#now()));
  }

  /** A signed challenge for the current epoch. */
  issue(site: string, difficulty: number): string {
    return issueChallenge({ key: this.#challengeMac, site, difficulty, now: this.#now() });
  }

  verify(token: string | null | undefined, site: string, visitorId: string): PowResult {
    if (token === null || token === undefined || token === "") return MISSING;
    if (typeof token !== "string" || token.length > MAX_TOKEN_LENGTH) return INVALID;
    const now = this.#now();
    // A page's further hits present the same token: its MAC and hash were checked already.
    const known = this.#sound.get(token);
    if (known) {
      const rejected = this.#untimely(known, site, now);
      if (rejected === undefined) return this.#claim(token, known, visitorId, now);
      if (rejected.verdict === "expired") this.#sound.delete(token); // for good: time moves on
      return rejected;
    }
    const parsed = parseToken(token);
    if (!parsed) return INVALID;
    const { challenge, evidence, nonce } = parsed;
    if (!isAuthentic(this.#challengeMac, challenge)) return INVALID;
    // From here on the fields are ours; checks below decide whether they still apply.
    const { difficulty, issuedAt, epoch } = challenge;
    if (epoch !== epochOf(issuedAt * 1000)) return INVALID;
    const fields: SoundToken = {
      site: challenge.site,
      epoch,
      issuedAt,
      difficulty,
      sealed: { evidence, salt: challenge.salt },
    };
    const rejected = this.#untimely(fields, site, now);
    if (rejected) return rejected;
    // The evidence is part of the solved input: changing it after solving breaks the proof.
    const input = solvedInput(challenge.text, evidence);
    const hash = this.#entry(epoch).instance.hash(input, BigInt(nonce));
    if (leadingZeroBits(hash) < difficulty) return INVALID;
    this.#sound.add(token, fields);
    return this.#claim(token, fields, visitorId, now);
  }

  /** Why a sound token does not count for `site` at `now`, or undefined when it does. */
  #untimely(token: SoundToken, site: string, now: number): PowResult | undefined {
    if (token.site !== site) return INVALID;
    const issuedAtMs = token.issuedAt * 1000;
    if (issuedAtMs > now + this.#skewMs) return INVALID;
    // Authentic but old: "expired", whether the window or the two-epoch module lifetime ran out.
    const current = epochOf(now);
    if (
      now - issuedAtMs > this.#windowMs || (token.epoch !== current && token.epoch !== current - 1)
    ) {
      return { verdict: "expired", difficulty: token.difficulty, issuedAt: token.issuedAt };
    }
  }

  /**
   * The token itself is the replay key (it is canonical: one solution, one spelling). The first
   * visitor to present it owns it; the same visitor may reuse it for the page's hits. The store's
   * claim outlives the token's window (it is taken no earlier than issue time minus the skew and
   * held for window plus skew), so the owner it names never changes while the token can be valid
   * and is remembered with the sound token. The key is the token string as it is, with no
   * prefix: the string this hit parsed already carries its hash, where a "pow:" + token key was
   * a new ~320-character string to copy and hash per new token (bench/pixel_ab_app.ts). It cannot
   * meet the store's other keys (rl:, burst:, reads:): only an authentic token gets here, and
   * every token starts with the challenge version and ":" (lib/pow/challenge.ts).
   */
  #claim(token: string, sound: SoundToken, visitorId: string, now: number): PowResult {
    let owner = sound.owner;
    if (owner === undefined) {
      const held = this.#store.claim(token, visitorId, this.#windowMs + this.#skewMs, now);
      owner = held ?? visitorId;
      // "" is a full store refusing the claim (no owner): ask again on the next hit.
      if (owner !== "") sound.owner = owner;
    }
    const verdict = owner === visitorId ? "valid" : "replayed";
    return {
      verdict,
      difficulty: sound.difficulty,
      issuedAt: sound.issuedAt,
      sealed: sound.sealed,
    };
  }

  #entry(epoch: number): EpochEntry {
    const cached = this.#epochs.get(epoch);
    if (cached) return cached;
    const params = powParams(this.#wasmKey, epoch);
    const bytes = buildPowModule(params);
    const hex = Buffer.from(buildPowModule(params, { hash: false })).toString("hex");
    const instance = new PowInstance(bytes);
    const entry: EpochEntry = { module: Object.freeze({ epoch, bytes, hex }), instance };
    this.#prune();
    this.#epochs.set(epoch, entry);
    return entry;
  }

  /** Drops modules of epochs no token can still use, so the cache holds at most a few entries. */
  #prune(): void {
    const current = epochOf(this.#now());
    for (const epoch of this.#epochs.keys()) {
      if (epoch < current - 1 || epoch > current + 1) this.#epochs.delete(epoch);
    }
  }
}
