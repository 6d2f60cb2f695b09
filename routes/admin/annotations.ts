// POST /admin/annotations (the dashboard's annotation forms, components/Annotations.tsx):
// `action=add` stores a note {site, date, text} through the checks of POST /api/annotations (its
// schema), `action=delete` removes note `id`; either returns to the dashboard with a notice that
// names a refused field. Read-only instances refuse both (403).
import { type NoticeCode, readSiteForm, redirectWithNotice } from "../../lib/admin/forms.ts";
import { addAnnotation } from "../../lib/annotations/mod.ts";
import { createAnnotation } from "../../lib/api/operations/annotations.ts";
import { checkBody } from "../../lib/api/validate.ts";
import type { Ctx } from "../../lib/state.ts";

export const handler = {
  async POST(ctx: Ctx) {
    const { store } = ctx.state.services;
    const { form, back, site } = await readSiteForm(ctx);
    if (site === null) return redirectWithNotice(back, "annotation_no_site");
    if (form.get("action") === "delete") {
      const id = Number(form.get("id"));
      const note = Number.isSafeInteger(id) && id > 0 ? await store.annotations.get(id) : null;
      // Only a note of the site the form was on: a stale form cannot reach another site's.
      if (note === null || note.site_id !== site) {
        return redirectWithNotice(back, "annotation_gone");
      }
      await store.annotations.delete(id);
      return redirectWithNotice(back, "annotation_deleted");
    }
    const body = checkBody(createAnnotation, {
      site_id: site,
      date: form.get("date") ?? "",
      text: form.get("text") ?? "",
    });
    if (!body.ok) return redirectWithNotice(back, refusal(body.errors));
    await addAnnotation(store, {
      siteId: site,
      date: body.value.date,
      text: body.value.text,
      source: "admin",
    });
    return redirectWithNotice(back, "annotation_saved");
  },
};

/** The notice naming the first refused field. */
function refusal(errors: string[]): NoticeCode {
  return errors[0]?.startsWith("date") ? "annotation_invalid_date" : "annotation_invalid_text";
}
