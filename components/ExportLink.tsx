// A "Download CSV" link for the admin pages: a plain link to /api/export/<kind>.csv with the
// page's selection (the session cookie authenticates it; the response is an attachment). Renders
// nothing where the export is refused (on a public instance, those lib/public/policy.ts does not
// list: the per-hit exports).
import { exportHref, type ExportKind, exportPath } from "../lib/export/mod.ts";
import { publicRead } from "../lib/public/policy.ts";
import { BUTTON_SECONDARY } from "./ui.tsx";

export function ExportLink(
  props: {
    kind: ExportKind;
    selection: { site: string | null; period: { days: number | null; from: string; to: string } };
    readOnly: boolean;
    extra?: Record<string, string | null | undefined>;
    label?: string;
  },
) {
  if (props.readOnly && publicRead(exportPath(props.kind)) === null) return null;
  return (
    <a
      href={exportHref(props.kind, props.selection, props.extra)}
      download
      class={BUTTON_SECONDARY}
      data-export={props.kind}
    >
      <svg width="14" height="14" viewBox="0 0 16 16" aria-hidden="true">
        <path
          d="M8 2v8M4.5 6.5 8 10l3.5-3.5M2.5 13.5h11"
          fill="none"
          stroke="currentColor"
          stroke-width="1.6"
          stroke-linecap="round"
          stroke-linejoin="round"
        />
      </svg>
      {props.label ?? "Download CSV"}
    </a>
  );
}
