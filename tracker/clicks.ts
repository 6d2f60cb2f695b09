// One passive document `click` listener for trusted clicks (T6–T8): elements tagged with
// `data-echelon-click` (plus up to 8 `data-echelon-*` extras), else outbound links and downloads.
// Link URLs are sent without their query or fragment (they may carry personal data; W7).
import { hasAttr } from "./config.ts";
import { emit } from "./transport.ts";
import { closest, cut, doc, listen } from "./util.ts";

/** `{...extras, <kind>: value, tag}` for an element tagged `data-echelon-<kind>`. */
export function taggedData(el: Element, kind: string): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  const dataset = (el as HTMLElement).dataset;
  let extras = 0;
  for (const key in dataset) {
    // dataset key echelonFooBar is the attribute data-echelon-foo-bar: sent as fooBar.
    const name = key.slice(7);
    if (!key.indexOf("echelon") && name && !/^(Click|Hover)$/.test(name) && extras++ < 8) {
      data[name[0].toLowerCase() + name.slice(1)] = cut(dataset[key], 256);
    }
  }
  data[kind] = cut(el.getAttribute("data-echelon-" + kind), 256);
  data.tag = el.tagName.toLowerCase();
  return data;
}

export function startClicks(): void {
  const clicks = !hasAttr("no-clicks");
  const outbound = !hasAttr("no-outbound");
  const downloads = !hasAttr("no-downloads");
  listen(doc, "click", (event) => {
    const target = event.isTrusted && event.target;
    const tagged = clicks && closest(target, "[data-echelon-click]");
    if (tagged) return emit("click", taggedData(tagged, "click"));
    const link = closest(target, "a[href]") as HTMLAnchorElement | null;
    if (!link) return;
    const url = cut(link.origin + link.pathname, 512);
    const file = link.pathname.split("/").pop()!;
    const ext =
      /\.(pdf|zip|tar|gz|bz2|xz|rar|7z|dmg|exe|msi|apk|ipa|docx?|xlsx?|pptx?|csv|mp3|mp4|mov|avi|mkv|epub|iso)$/i
        .exec(file);
    if (outbound && link.origin != location.origin && /^http/.test(link.protocol)) {
      emit("outbound", { url, host: link.host, text: cut(link.textContent?.trim(), 128) });
    }
    if (downloads && ext) {
      emit("download", { url, file: cut(file, 256), ext: ext[1].toLowerCase() });
    }
  });
}
