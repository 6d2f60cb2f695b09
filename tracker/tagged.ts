// The data of an element tagged `data-echelon-click` or `data-echelon-hover`: shared by clicks
// (in /ea.js) and hover (in the deferred chunk), so it imports nothing but util.
import { cut } from "./util.ts";

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
