// SPA navigation (T3): pushState/replaceState are wrapped, popstate (and hashchange for hash
// routers) observed, and the Navigation API's `currententrychange` catches pages that replace
// `history.pushState` after us. A changed path ends the page view and sends one with `_v=spa`.
import { armBounce } from "./bounce.ts";
import { hashRouting } from "./config.ts";
import { endPageView, resetEngagement } from "./engagement.ts";
import { resetExposures } from "./experiment.ts";
import { currentPath, path, setPath } from "./page.ts";
import { sendView, viewSent } from "./pageview.ts";
import { resetScroll } from "./scroll.ts";
import { resetSession } from "./session.ts";
import { readUtm } from "./utm.ts";
import { guard, listen, win } from "./util.ts";

export function startSpa(): void {
  const check = guard(navigated);
  const history = win.history as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const name of ["pushState", "replaceState"]) {
    const original = history[name];
    history[name] = function (this: unknown, ...args) {
      const result = original.apply(this, args);
      check();
      return result;
    };
  }
  listen(win, "popstate", check);
  if (hashRouting) listen(win, "hashchange", check);
  const navigation = (win as { navigation?: EventTarget }).navigation;
  if (navigation) listen(navigation, "currententrychange", check);
}

function navigated(): void {
  const next = currentPath();
  if (next == path) return;
  // Before the first view is sent (say, a router normalising the URL at load) the gated view
  // simply reports the new path.
  if (viewSent) {
    endPageView();
    setPath(next);
    readUtm();
    resetScroll();
    resetEngagement();
    resetSession();
    resetExposures();
    armBounce();
    sendView("spa");
  } else setPath(next);
}
