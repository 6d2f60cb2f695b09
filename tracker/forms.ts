// Forms (T11): focus, change and submit. Values are never sent by default, only their length
// (docs/architecture.md, decision 6, reference defect W7); a site that opted in gets a scrambled
// value (letters and digits replaced at random, shape kept), and never for password or hidden
// fields. Part of the deferred chunk: nobody focuses a field in the moment before it attaches.
import type { Emit } from "./chunk_api.ts";
import { cut, doc, listen } from "./util.ts";

type Field = HTMLInputElement & { form: HTMLFormElement | null };

/** The field an event targets, with its description, or nothing for non-field targets. */
function fieldOf(event: Event): [Field?, Record<string, unknown>?] {
  const field = event.target as Field;
  if (!field.matches?.("input,select,textarea")) return [];
  const form = field.form;
  return [field, {
    tag: field.tagName.toLowerCase(),
    input_type: cut(field.type, 32),
    field_name: cut(field.getAttribute("name") || field.id, 64),
    // getAttribute: a control named "id" or "name" would shadow form.id / form.name.
    form_id: cut(form?.getAttribute("id"), 64),
    form_name: cut(form?.getAttribute("name"), 64),
  }];
}

export function scramble(value: string): string {
  return value.replace(/[a-z]/gi, () => String.fromCharCode(97 + Math.random() * 26))
    .replace(/\d/g, () => "" + ((Math.random() * 10) | 0));
}

/** `formValues()`: the site's current opt-in (settings may arrive with a later challenge). */
export function observeForms(emit: Emit, formValues: () => boolean): void {
  listen(doc, "focusin", (event) => {
    const [field, data] = fieldOf(event);
    if (field) emit("form_focus", data!);
  });
  listen(doc, "change", (event) => {
    const [field, data] = fieldOf(event);
    if (!field) return;
    data!.value_length = field.value.length;
    if (formValues() && !/^(password|hidden)$/.test(field.type)) {
      data!.value = scramble(cut(field.value, 256));
    }
    emit("form_blur", data!);
  });
  listen(doc, "submit", (event) => {
    const form = event.target as HTMLFormElement;
    const attr = (name: string, max: number) => cut(form.getAttribute(name), max);
    emit("form_submit", {
      action: attr("action", 256).split(/[?#]/)[0] || location.pathname,
      method: (attr("method", 8) || "get").toUpperCase(),
      id: attr("id", 64),
      name: attr("name", 64),
      label: attr("data-echelon-form", 128) || undefined,
    });
  });
}
