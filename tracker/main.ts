// Entry of the browser tracker served as /ea.js: guards (double load, prerender, opt-outs) and
// the wiring of every feature, including the order of work when the page is hidden.
import { createApi } from "./api.ts";
import { armBounce, cancelBounce, reportBounce } from "./bounce.ts";
import { hasAttr, script } from "./config.ts";
import { askConsent } from "./consent.ts";
import { loadDeferred, reportDeferred } from "./deferred_loader.ts";
import { endPageView, resetEngagement, updateEngagement } from "./engagement.ts";
import { watchInput } from "./interaction.ts";
import { currentPath, setPath } from "./page.ts";
import { gateOnHide, interacted, startGate } from "./pageview.ts";
import { startPow, tokenReady } from "./pow.ts";
import { startScroll } from "./scroll.ts";
import { endSession, resetSession, resumeSession, startSession } from "./session.ts";
import { startSpa } from "./spa.ts";
import { flush } from "./transport.ts";
import { readUtm } from "./utm.ts";
import { doc, guard, listen, win } from "./util.ts";

declare const BUILD_CONSENT: boolean;

type Globals = Window & Record<string, unknown> & {
  doNotTrack?: string;
  navigator: { globalPrivacyControl?: boolean };
};

/** DNT and GPC always win; local pages and automated browsers need `data-allow-local`. */
function optedOut(w: Globals): unknown {
  const nav = w.navigator;
  return /^(1|yes)$/.test(nav.doNotTrack || w.doNotTrack!) || nav.globalPrivacyControl ||
    !hasAttr("allow-local") &&
      (/^(localhost|127\.|\[::1\]$)/.test(location.hostname) || location.protocol == "file:" ||
        nav.webdriver || w._phantom || w.__nightmare || w.Cypress);
}

function start(): void {
  startSession();
  resetSession();
  readUtm();
  startPow();
  setPath(currentPath());
  startGate();
  armBounce();
  startScroll();
  resetEngagement();
  startSpa();
  loadDeferred();
  // The banner waits for the site's settings (its CSS may come with the first challenge).
  if (BUILD_CONSENT) tokenReady(2000).then(guard(askConsent));
  watchInput(() => {
    interacted();
    cancelBounce();
  });
  listen(doc, "visibilitychange", () => doc.visibilityState == "hidden" ? hidden() : shown());
  listen(win, "pagehide", hidden);
  listen(win, "pageshow", (event: PageTransitionEvent) => event.persisted && shown(true));
  listen(win, "focus", updateEngagement);
  listen(win, "blur", updateEngagement);
}

/** Order matters: the view may still fire, then everything that ends it, then one flush. */
function hidden(): void {
  gateOnHide();
  reportBounce("unload");
  endPageView();
  endSession();
  reportDeferred();
  flush(true);
}

function shown(bfcache?: boolean): void {
  resumeSession(bfcache);
  updateEngagement();
}

function boot(w: Globals): void {
  if (w.echelon || !script) return;
  const tracking = !optedOut(w);
  w.echelon = createApi(tracking);
  if (!tracking) return;
  // A prerendered page is not a view until it is shown (Prerendering Revamped spec).
  if ((doc as { prerendering?: boolean }).prerendering) {
    doc.addEventListener("prerenderingchange", guard(start), { once: true });
  } else start();
}

try {
  boot(win as unknown as Globals);
} catch {
  // Never let a failure of ours reach the page.
}
