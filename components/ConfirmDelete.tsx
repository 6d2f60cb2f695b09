// The confirmation step of a deletion in the admin (a page, not a JavaScript confirm): a card with
// what goes and a form whose `confirm` field names the record (lib/admin/forms.ts
// assertConfirmed), or, when there is nothing to delete, a notice and a link to the list.
import type { ComponentChildren } from "preact";
import type { AdminFrame } from "../lib/admin/frame.ts";
import { AdminShell } from "./AdminShell.tsx";
import { BUTTON_DANGER, BUTTON_SECONDARY, Card, ErrorList, LINK, Notice } from "./ui.tsx";

export interface ConfirmDeleteProps {
  frame: AdminFrame;
  /** What is deleted, in the button's words: "campaign" → "Delete campaign". */
  noun: string;
  /** The page title, e.g. "Delete Spring?". */
  title: string;
  /** The record's id: the form's `confirm` value. */
  confirm: string;
  /** The record's page: Cancel goes back there; the form posts to `${back}/delete`. */
  back: string;
  formId: string;
  errors: string[];
  /** What will be removed and what stays (inside the form, so it may hold options). */
  children: ComponentChildren;
}

export function ConfirmDelete(props: ConfirmDeleteProps) {
  return (
    <AdminShell title={props.title} frame={props.frame} selection={false}>
      <ErrorList errors={props.errors} />
      <Card>
        <form method="post" action={`${props.back}/delete`} id={props.formId} class="space-y-4">
          <input type="hidden" name="confirm" value={props.confirm} />
          {props.children}
          <div class="flex gap-2">
            <button type="submit" class={BUTTON_DANGER}>{`Delete ${props.noun}`}</button>
            <a href={props.back} class={BUTTON_SECONDARY}>Cancel</a>
          </div>
        </form>
      </Card>
    </AdminShell>
  );
}

/**
 * The delete page when there is nothing to delete: no such record, or a public read-only
 * instance (where nothing can be changed, so the page does not say whether the record exists).
 */
export function NothingToDelete(
  props: { frame: AdminFrame; noun: string; plural: string; list: string },
) {
  const { frame, noun, plural } = props;
  return (
    <AdminShell title={`Delete ${noun}`} frame={frame} selection={false}>
      <Notice tone="warning">
        {frame.readOnly
          ? `${plural[0].toUpperCase()}${
            plural.slice(1)
          } cannot be changed on a public read-only instance.`
          : `There is no such ${noun}.`}
      </Notice>
      <p>
        <a href={props.list} class={LINK}>{`All ${plural}`}</a>
      </p>
    </AdminShell>
  );
}
