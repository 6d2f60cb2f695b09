// One passive document `click` listener for trusted clicks (T6–T8): elements tagged with
// `data-echelon-click` (plus up to 8 `data-echelon-*` extras), else outbound links and downloads.
// Link URLs are sent without their query or fragment (they may carry personal data; W7).
// Part of the deferred chunk (tracker/deferred.ts).
import type { DeferredOptions, Emit } from "./chunk_api.ts";
import { taggedData } from "./tagged.ts";
import { closest, cut, doc, listen } from "./util.ts";

export function startClicks(emit: Emit, has: DeferredOptions["has"]): void {
  const clicks = !has("no-clicks");
  const outbound = !has("no-outbound");
  const downloads = !has("no-downloads");
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
