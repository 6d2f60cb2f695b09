// Proof of work in the page (docs/architecture.md, decision 3): solve the challenge with the
// injected WASM in slices of 16 384 attempts (about a millisecond on a laptop), yielding to the
// page between them, so the main thread is never blocked for long; keep the token per tab in
// sessionStorage `_etok`; fetch a fresh challenge from `GET /c` before the current one expires, so
// long-lived pages and SPAs keep valid tokens (reference defect W2).
import type { PowSolver } from "./chunk_api.ts";
import type { ChallengeResponse, SiteSettings } from "./inject.ts";
import { injected, setSettings, settings, site } from "./config.ts";
import { fallbackSolver } from "./pow_fallback_loader.ts";
import { probe } from "./probe.ts";
import { debug, fetchOriginal, later, now, session, win } from "./util.ts";

declare const BUILD_DEBUG: boolean;

/**
 * A solved token: text, solve ms, evidence ms, local expiry and refresh times (ms), and the site
 * settings.
 */
export interface SolvedToken {
  t: string;
  p: number;
  q: number;
  x: number;
  r: number;
  s: SiteSettings;
}

const SLICE = 16_384;
/** Clock skew and network delay: a token counts as expired this long before the server says. */
const SAFETY_MS = 5000;
// A message posted to ourselves runs as a new task without setTimeout's 4 ms clamp.
const channel = new MessageChannel();

let wasm: Promise<PowSolver>;
let wasmEpoch: number;
let current: SolvedToken | undefined;
let pending: Promise<unknown> | 0 = 0;
let refreshTimer: number;

function loadModule(hex: string, epoch: number): void {
  wasmEpoch = epoch;
  const bytes = Uint8Array.from(hex.match(/../g)!, (h) => parseInt(h, 16));
  wasm =
    (async () => (await WebAssembly.instantiate(bytes)).instance.exports as unknown as PowSolver)()
      // No usable WebAssembly (absent, or refused by a policy or the page's CSP): the same solve
      // in JavaScript, from the /ea.pow.js chunk (issue 14 item 1).
      .catch(() => fallbackSolver(bytes));
}

/** Fields of "1:<site>:<epoch>:<issuedAt>:<difficulty>:<salt>:<mac>[:<nonce>]". */
const field = (challenge: string, index: number) => challenge.split(":")[index];

export function startPow(): void {
  loadModule(injected.w, injected.e);
  try {
    const stored: SolvedToken = JSON.parse(session("_etok")!);
    if (field(stored.t, 1) == site && stored.r > now()) return adopt(stored);
  } catch {
    // Nothing usable stored.
  }
  const challenge = injected.c;
  obtain(challenge && field(challenge, 1) == site ? challenge : "");
}

/** The current token while it is still valid (an expired one would score worse than none). */
export function token(): SolvedToken | undefined {
  if (current && now() < current.x) return current;
}

/**
 * Resolves once no solve is under way, or after `ms` if given. A token due for renewal (timers
 * may have been throttled in a hidden tab) starts its refresh first.
 */
export function tokenReady(ms?: number): Promise<unknown> {
  if (!(current && now() < current.r)) obtain("");
  return Promise.race([pending, ms ? new Promise((ok) => later(() => ok(0), ms)) : pending]);
}

/** Solves `challenge`, or one fetched from /c when empty; at most one at a time. */
function obtain(challenge: string): void {
  pending ||= (async () => {
    let windowMs = injected.m;
    const receivedAt = now();
    if (!challenge) {
      const answer: ChallengeResponse = await fetchOriginal.call(
        win,
        injected.o + "/c?s=" + encodeURIComponent(site) + "&e=" + wasmEpoch,
      ).then((response) => response.json());
      if (answer.wasm) loadModule(answer.wasm, answer.epoch);
      setSettings(answer.site);
      challenge = answer.challenge;
      windowMs = answer.expiresAt - 1000 * +field(challenge, 3);
    }
    const exports = await wasm;
    let started = now();
    // The evidence is measured first and hashed with the challenge (sealed: lib/pow/challenge.ts).
    const sealed = challenge + ":" + probe(field(challenge, 5));
    const probed = now() - started;
    const input = new TextEncoder().encode(sealed);
    started = now();
    let nonce = -1n;
    // The challenge's bytes at offset 0; the module uses the 16 bytes after them as scratch.
    new Uint8Array(exports.m.buffer).set(input);
    const slice = exports.n || SLICE;
    for (let start = 0; nonce < 0; start += slice) {
      if (start) {
        await new Promise((wake) => (channel.port1.onmessage = wake, channel.port2.postMessage(0)));
      }
      nonce = exports.s(0, input.length, +field(challenge, 4), BigInt(start), slice);
    }
    const expires = receivedAt + windowMs - SAFETY_MS;
    adopt({
      t: sealed + ":" + nonce,
      p: now() - started,
      q: probed,
      x: expires,
      // Refresh a quarter-window (at most a minute) ahead, so the next token is ready in time.
      r: expires - Math.min(60_000, windowMs / 4),
      s: settings,
    });
    session("_etok", JSON.stringify(current));
  })().catch((error) => {
    if (BUILD_DEBUG) debug(error);
    // A failing /c is retried at the next event, at most every 15 s.
    adopt({ ...current!, r: now() + 15_000 });
  }).then(() => pending = 0);
}

function adopt(solved: SolvedToken): void {
  current = solved;
  setSettings(solved.s);
  clearTimeout(refreshTimer);
  refreshTimer = later(() => tokenReady(0), solved.r - now());
  if (BUILD_DEBUG) debug("token", solved);
}
