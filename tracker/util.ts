// Helpers every module shares. Listeners and timers are wrapped so an exception of ours never
// reaches the host page (issue 5: "never throw into the host page"); storage may be blocked.

// Build-time constant (esbuild `define`): the server serves a variant with console tracing only
// when ECHELON_DEBUG is on, so the default script carries none of it.
declare const BUILD_DEBUG: boolean;

export const win = window;
export const doc = document;
export const now = (): number => Date.now();
export const seconds = (ms: number): number => Math.round(ms / 1000);
// Captured at load: a page replacing fetch later can neither intercept nor break our requests.
export const fetchOriginal = win.fetch;

export function debug(...args: unknown[]): void {
  if (BUILD_DEBUG) console.log("[echelon]", ...args);
}

/** `fn`, but exceptions are swallowed (and logged in the debug build). */
export function guard<A extends unknown[]>(fn: (...args: A) => unknown): (...args: A) => void {
  return (...args) => {
    try {
      fn(...args);
    } catch (error) {
      if (BUILD_DEBUG) debug(error);
    }
  };
}

export function listen<E extends Event>(
  target: EventTarget,
  type: string,
  fn: (event: E) => unknown,
): void {
  target.addEventListener(type, guard(fn) as EventListener, { capture: true, passive: true });
}

export function later(fn: () => unknown, ms: number): number {
  return win.setTimeout(guard(fn), ms);
}

/**
 * sessionStorage (or with `local`, localStorage) get (no value) or set; undefined when storage
 * is unavailable.
 */
export function session(key: string, value?: string, local?: boolean): string | null | void {
  try {
    const storage = local ? localStorage : sessionStorage;
    return value ? storage.setItem(key, value) : storage.getItem(key);
  } catch {
    // Blocked storage (privacy modes, sandboxed frames): callers fall back to memory.
  }
}

/** Standard base64 of the UTF-8 bytes: the wire format of `p`, `ref` and UTM (URI-encoded). */
export function b64(text: string): string {
  return btoa(String.fromCharCode(...new TextEncoder().encode(text)));
}

export function cut(value: unknown, max: number): string {
  return String(value ?? "").slice(0, max);
}

/** The element an event targets, or its nearest ancestor, matching `selector`. */
export function closest(node: unknown, selector: string): Element | null | undefined {
  return (node as Element | null)?.closest?.(selector);
}

/** A small multiply-xorshift string hash (TinySimpleHash); 0 ≤ result < 2^32. */
export function hash(text: string): number {
  let h = 9;
  for (let i = 0; i < text.length;) h = Math.imul(h ^ text.charCodeAt(i++), 9 ** 9);
  return (h ^ (h >>> 9)) >>> 0;
}
