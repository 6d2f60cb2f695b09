// Entry of the `/ea.banner.js` chunk: the cookie-consent banner (ECHELON_COOKIE_CONSENT=true),
// rendered in a shadow root so neither side's styles leak, styled further by the site's CSS.
// /ea.js loads it only for a `data-cookie` tag whose visitor has not chosen yet (consent.ts).
import { type BannerStart, CHUNK_EVENT } from "./chunk_api.ts";
import { doc, guard } from "./util.ts";

const show: BannerStart = (siteCss, decide) => {
  const host = doc.createElement("echelon-consent");
  const root = host.attachShadow({ mode: "open" });
  const css =
    ":host{all:initial;position:fixed;left:0;right:0;bottom:0;z-index:2147483647;font:14px/1.4 system-ui,sans-serif}" +
    "div{display:flex;flex-wrap:wrap;gap:8px;align-items:center;justify-content:center;padding:12px;background:#1f2937;color:#fff}" +
    "button{font:inherit;padding:6px 14px;border:0;border-radius:4px;cursor:pointer}" +
    siteCss;
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
        decide(value);
        host.remove();
      }
    }),
  );
  (doc.body || doc.documentElement).append(host);
};

try {
  doc.dispatchEvent(new CustomEvent(CHUNK_EVENT + "banner", { detail: show }));
} catch {
  // No CustomEvent (very old engines): no banner, so no cookie; tracking goes on without it.
}
