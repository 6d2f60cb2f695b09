// Annotations on the trend charts (lib/admin/annotations.ts), server-rendered: a dashed marker
// per chart point that has notes (their text in its <title>), the list of the notes under the
// chart, and for a signed-in admin the form adding one and a delete button per note (plain POST
// forms to /admin/annotations, no script). Public mode passes no form: the notes stay read-only.
import { annotationLine, type ChartAnnotation } from "../lib/admin/annotations.ts";
import { ANNOTATION_DATE_HINT, MAX_ANNOTATION_TEXT } from "../lib/annotations/mod.ts";
import { BUTTON_SECONDARY, BUTTON_SMALL, INPUT } from "./ui.tsx";

export type { ChartAnnotation };

/**
 * The markers, inside a chart's <svg>: one per point with notes, at `xOf(point)` (null: the point
 * is not on the chart), from `top` to `bottom`.
 */
export function AnnotationMarkers(
  props: {
    notes: readonly ChartAnnotation[];
    xOf: (point: string) => number | null;
    top: number;
    bottom: number;
  },
) {
  const byPoint = new Map<string, ChartAnnotation[]>();
  for (const note of props.notes) {
    byPoint.set(note.point, [...byPoint.get(note.point) ?? [], note]);
  }
  return (
    <>
      {[...byPoint].map(([point, notes]) => {
        const x = props.xOf(point);
        if (x === null) return null;
        return (
          <g data-annotation-point={point} data-x={x.toFixed(2)} class="annotation-marker">
            <title>{notes.map(annotationLine).join("\n")}</title>
            <line
              x1={x.toFixed(2)}
              x2={x.toFixed(2)}
              y1={props.top}
              y2={props.bottom}
              class="stroke-amber-500"
              stroke-width="1.5"
              stroke-dasharray="3 2"
              vector-effect="non-scaling-stroke"
            />
            <rect
              x={(x - 4).toFixed(2)}
              y={props.top}
              width="8"
              height={props.bottom - props.top}
              fill="transparent"
            />
          </g>
        );
      })}
    </>
  );
}

/** Where the admin's forms post: the site and the page to come back to. */
export interface AnnotationForms {
  site: string;
  returnTo: string;
  /** The date the add form proposes (the period's last day). */
  defaultDate: string;
}

/** The notes under a chart, with the add form and delete buttons when `forms` is given. */
export function AnnotationList(
  props: { id: string; notes: readonly ChartAnnotation[]; forms?: AnnotationForms },
) {
  const { notes, forms } = props;
  if (notes.length === 0 && !forms) return null;
  return (
    <div id={props.id} class="mt-3 text-sm">
      {notes.length > 0 && (
        <ul class="space-y-1" aria-label="Annotations">
          {notes.map((note) => (
            <li data-annotation-id={note.id} data-point={note.point} class="flex items-start gap-2">
              <span
                aria-hidden="true"
                class="mt-1.5 inline-block h-2 w-2 shrink-0 rounded-full bg-amber-500"
              >
              </span>
              <span class="min-w-0 flex-1 break-words">
                <span class="font-mono text-xs text-slate-500">
                  {note.site === null ? note.date : `${note.date} ${note.site}`}
                </span>{" "}
                {note.text}
              </span>
              {forms && (
                <form method="post" action="/admin/annotations" class="shrink-0">
                  <input type="hidden" name="action" value="delete" />
                  <input type="hidden" name="id" value={String(note.id)} />
                  <input type="hidden" name="site" value={forms.site} />
                  <input type="hidden" name="return_to" value={forms.returnTo} />
                  <button type="submit" class={BUTTON_SMALL} aria-label={`Delete: ${note.text}`}>
                    Delete
                  </button>
                </form>
              )}
            </li>
          ))}
        </ul>
      )}
      {forms && (
        <form
          method="post"
          action="/admin/annotations"
          id="annotation-add"
          class="mt-2 flex flex-wrap items-end gap-2"
        >
          <input type="hidden" name="action" value="add" />
          <input type="hidden" name="site" value={forms.site} />
          <input type="hidden" name="return_to" value={forms.returnTo} />
          <label class="text-sm">
            <span class="block text-xs text-slate-500">Date</span>
            <input
              name="date"
              required
              value={forms.defaultDate}
              placeholder="YYYY-MM-DD"
              title={ANNOTATION_DATE_HINT}
              class={INPUT}
            />
          </label>
          <label class="min-w-0 flex-1 text-sm">
            <span class="block text-xs text-slate-500">Note</span>
            <input
              name="text"
              required
              maxLength={MAX_ANNOTATION_TEXT}
              placeholder="e.g. Deployed v2.3, launched the spring campaign"
              class={INPUT}
            />
          </label>
          <button type="submit" class={BUTTON_SECONDARY}>Add annotation</button>
        </form>
      )}
    </div>
  );
}
