// The tab session: a UUID kept in sessionStorage (`_esid`), valid even when storage is blocked
// (reference defect W4), and the session_end / session_resume lifecycle (bfcache included).
import { emit } from "./transport.ts";
import { now, seconds, session } from "./util.ts";

/** Set by `startSession()`, so a visitor who opted out never gets anything stored. */
export let sid = "";

/** RFC 9562 version 4 from getRandomValues, which unlike randomUUID also works on http pages. */
function uuid(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(31));
  let i = 0;
  return "10000000-1000-4000-8000-100000000000".replace(
    /[018]/g,
    (c) => (+c ^ (bytes[i++] & (15 >> (+c / 4)))).toString(16),
  );
}

export function startSession(): void {
  sid = session("_esid") || "";
  // The server's own check (reference §1.2): anything else would lose the session id.
  if (!/^[0-9a-f-]{36}$/.test(sid)) {
    session("_esid", sid = uuid());
  }
}

let ended = false;
/** When the tab was last shown (or the page view started), and when it was hidden. */
let shownAt = 0;
let hiddenAt = 0;

export function resetSession(): void {
  ended = false;
  shownAt = now();
}

export function endSession(): void {
  if (ended) return;
  ended = true;
  hiddenAt = now();
  emit("session_end", { dwell_s: seconds(hiddenAt - shownAt) });
}

let resumed: Record<string, unknown> = {};

/** Shown again after an end; `bfcache` from a `pageshow` that restored the page. */
export function resumeSession(bfcache?: boolean): void {
  // A restore may fire visibilitychange before pageshow: flag the resume that one just queued.
  if (!ended) return void (resumed.bfcache ||= bfcache);
  resetSession();
  emit("session_resume", resumed = { away_s: seconds(shownAt - hiddenAt), bfcache });
}
