// The page view beacon, gated on a human (T2, issue 14 item 3): it fires at the first trusted
// interaction but not before 1 s, carrying `it` (tracker/interaction.ts), or without `it` when
// the tab is hidden after at least 4 s; SPA views send at once with `_v=spa` and the page's
// cumulative `it`. No proof, no send: the view waits for its token, and one that leaves before
// the token is ready sends nothing. Parameters are those of reference §1.2, plus `ps`, the PoW
// solve time, and `it`.
import { injected, site } from "./config.ts";
import { cookieAllowed, whenChosen } from "./consent.ts";
import { currentPath, path, setPath } from "./page.ts";
import { interaction } from "./interaction.ts";
import { type SolvedToken, token, tokenReady } from "./pow.ts";
import { sid } from "./session.ts";
import { send } from "./transport.ts";
import { utm } from "./utm.ts";
import { b64, doc, later, now } from "./util.ts";

// 1 s, above the `timing` signal's 850–999 ms band: a person who moves the pointer at once is
// not scored as too fast by our own gate (lib/bots/score.ts scores scripts that send less).
const MIN_INTERACTION_MS = 1000;

let startedAt = 0;
let gateTimer = 0;
/** True once this document has sent (or is sending) its page view. */
export let viewSent = false;

export function startGate(): void {
  startedAt = now();
}

/** A trusted interaction: the first one sends the view, at the earliest 1 s after init. */
export function interacted(): void {
  if (!viewSent && !gateTimer) {
    gateTimer = later(fire, MIN_INTERACTION_MS - now() + startedAt);
  }
}

/**
 * Hidden: a visitor who interacted before the gate opened is a view now; without interaction it
 * is still one (unverified, no `it`) if they stayed 4 s (they may have read).
 */
export function gateOnHide(): void {
  if (!viewSent && (gateTimer || now() - startedAt >= 4000)) fire(true);
}

/** The gate opens: the view goes, unless the consent banner still waits for the visitor's choice
 * (the press on Accept is itself the interaction, and comes before the choice): then it goes once
 * they have chosen, with `ck` as chosen, or when the page is hidden. */
function fire(leaving?: boolean): void {
  if (viewSent || (!leaving && whenChosen(fire))) return;
  clearTimeout(gateTimer);
  gateTimer = 0;
  sendView("" + Math.max(MIN_INTERACTION_MS, now() - startedAt), leaving);
}

/**
 * Sends the beacon for the current path once the token is ready; `leaving` sends only if it is
 * ready already. Without a token the view stays unsent, so a later interaction may still send it.
 */
export async function sendView(delay: string, leaving?: boolean): Promise<void> {
  viewSent = true;
  try {
    if (!leaving) await tokenReady();
    const solved = token();
    if (solved) beacon(solved, delay, leaving);
    else viewSent = false;
  } catch {
    // A rejection here would surface as the page's unhandled rejection.
  }
}

function beacon(solved: SolvedToken, delay: string, leaving?: boolean): void {
  const spa = delay == "spa";
  // Settings fetched since init may allow more of the query: measure the first view's path now.
  if (!spa) setPath(currentPath());
  // Only the referrer's origin leaves the page: the server stores no more (docs/architecture.md,
  // decision 6). A regex, not URL.origin: app referrers (android-app://…) have an opaque origin,
  // "null". Our own origin is sent too, and an SPA view's referrer is the page before it: the
  // server then classifies the navigation as internal (issue 14 item 7).
  const referrer = spa ? location.origin : doc.referrer.match(/^[a-z][\w+.-]*:\/\/[^/?#]*/i)?.[0];
  // URLSearchParams URI-encodes every value (base64's "+", "/" and "=", the token's ":").
  const query: Record<string, unknown> = {
    p: b64(path),
    s: site,
    sid,
    _v: delay,
    sw: screen.width,
    sh: screen.height,
    tok: solved.t,
    ps: solved.p,
  };
  if (interaction()) query.it = interaction();
  if (referrer) query.ref = b64(referrer);
  if (matchMedia("(display-mode: standalone)").matches) query.pwa = 1;
  if (cookieAllowed()) query.ck = 1;
  ["uc", "us", "um", "uct", "ut"].forEach((name, i) => {
    if (utm[i]) query[name] = b64(utm[i]);
  });
  const url = injected.o + "/b.gif?" + new URLSearchParams(query as Record<string, string>);
  // An image while the page is visible; a keepalive fetch when it is being left.
  if (leaving) send(url);
  else new Image().src = url;
}
