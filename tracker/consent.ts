// Cookie opt-in (T15): `data-cookie` asks for `ck=1` (the server then sets its `_ev` cookie).
// With ECHELON_COOKIE_CONSENT the visitor decides first, in a banner rendered in a shadow root so
// neither side's styles leak; the choice is kept in localStorage `_econsent` ("1" or "0").
import { hasAttr, settings } from "./config.ts";
import { doc, guard } from "./util.ts";

// Build-time constant (esbuild `define`): only the variant served with ECHELON_COOKIE_CONSENT=true
// carries the banner; elsewhere `data-cookie` means the site already obtained consent.
declare const BUILD_CONSENT: boolean;

const KEY = "_econsent";
let choice: string | null | undefined;

function stored(value?: string): string | null | void {
  try {
    return value ? localStorage.setItem(KEY, value) : localStorage.getItem(KEY);
  } catch {
    // Without storage the choice lasts for this page only.
  }
}

export function cookieAllowed(): boolean {
  return hasAttr("cookie") && (!BUILD_CONSENT || (choice || stored()) == "1");
}

/** Shows the banner when consent is required and the visitor has not chosen yet. */
export function askConsent(): void {
  if (!hasAttr("cookie") || stored()) return;
  const host = doc.createElement("echelon-consent");
  const root = host.attachShadow({ mode: "open" });
  const css =
    ":host{all:initial;position:fixed;left:0;right:0;bottom:0;z-index:2147483647;font:14px/1.4 system-ui,sans-serif}" +
    "div{display:flex;flex-wrap:wrap;gap:8px;align-items:center;justify-content:center;padding:12px;background:#1f2937;color:#fff}" +
    "button{font:inherit;padding:6px 14px;border:0;border-radius:4px;cursor:pointer}" +
    (settings.consentCss || "");
  root.innerHTML =
    "<div><span>This site uses a cookie to remember you across visits. No personal data is collected.</span><button value=1>Accept</button><button value=0>Decline</button></div>";
  try {
    // A constructed sheet is not subject to the host page's CSP style-src.
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [sheet];
  } catch {
    const style = doc.createElement("style");
    style.textContent = css;
    root.prepend(style);
  }
  root.addEventListener(
    "click",
    guard((event: Event) => {
      const value = (event.target as HTMLButtonElement).value;
      if (value) {
        stored(choice = value);
        host.remove();
      }
    }),
  );
  (doc.body || doc.documentElement).append(host);
}
