// A visitor id cut to its first characters, linked to the visitor's page (/admin/visitors/:id),
// as the admin lists show it.
import { LINK } from "./ui.tsx";

export function VisitorLink(props: { id: string; chars?: number; title?: string }) {
  return (
    <a
      class={LINK}
      href={`/admin/visitors/${encodeURIComponent(props.id)}`}
      title={props.title}
    >
      {props.id.slice(0, props.chars ?? 16)}
    </a>
  );
}
