// Browser evidence sealed into the proof of work (tracker/pow.ts; judged by lib/bots/evidence.ts):
// canvas text widths of the challenge's probe texts, which a script without a rendering engine
// cannot produce cheaply, plus environment values and headless tells, encoded as PROBE_FIELDS says.
import { PROBE_FONTS, probeTexts, TELLS } from "./probe_text.ts";
import { doc, win } from "./util.ts";

export function probe(salt: string): string {
  const nav = navigator;
  const s = screen;
  const ctx = doc.createElement("canvas").getContext("2d")!;
  const out: number[] = [];
  for (const text of probeTexts(salt)) {
    for (const font of PROBE_FONTS) {
      ctx.font = font;
      out.push(Math.round(ctx.measureText(text).width * 100));
    }
  }
  // No WebGL renderer class: creating a context took 10-34 ms in headless Chromium (SwiftShader),
  // too much of the 100 ms budget for a tell worth a few points.
  const tells = +!!nav.webdriver |
    ((win as { chrome?: unknown }).chrome ? 0 : TELLS.noChromeObject);
  out.push(
    s.width,
    s.height,
    s.availWidth,
    s.availHeight,
    win.innerWidth,
    win.innerHeight,
    win.outerWidth,
    win.outerHeight,
    Math.round(devicePixelRatio * 100),
    new Date().getTimezoneOffset(),
    tells,
  );
  // The primary tag of the first preferred language ("en-GB,en" → "en").
  return out.map((n) => n.toString(36)).join(".") + "." + /^[a-z]*/.exec(nav.languages + "")![0];
}
