// Loads a chunk of the tracker (`/ea.<name>.js?h=<hash of all chunks>`, cached by the browser)
// and hands its starter to `onStart` once it announces itself. The tag copies our script's nonce,
// so pages with a nonce-based CSP that allowed /ea.js allow the chunk too.
import { CHUNK_EVENT } from "./chunk_api.ts";
import { injected, script } from "./config.ts";
import { doc, guard } from "./util.ts";

export function loadChunk<T>(name: string, onStart: (start: T) => void): void {
  doc.addEventListener(
    CHUNK_EVENT + name,
    guard((event: Event) => onStart((event as CustomEvent<T>).detail)),
    { once: true },
  );
  try {
    const tag = doc.createElement("script");
    tag.src = injected.o + "/ea." + name + ".js?h=" + injected.h;
    tag.nonce = script!.nonce;
    doc.documentElement.append(tag);
  } catch {
    // A document that refuses the element: that chunk's features are missing, nothing else.
  }
}
