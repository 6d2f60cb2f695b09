// Previous/next links of a keyset-paged list (lib/admin/cursor.ts pageLinks); plain links, so
// paging works without JavaScript and every page has a shareable URL.
import type { PageLinks } from "../lib/admin/cursor.ts";
import { BUTTON_SECONDARY } from "./ui.tsx";

/** `firstLabel`: the link back to the first page ("« Newest" for lists newest first). */
export function Pager(
  props: { links: PageLinks; shown: number; label?: string; firstLabel?: string },
) {
  const { prev, next, first } = props.links;
  if (!prev && !next && !first) return null;
  const disabled =
    "inline-flex items-center rounded-md border border-slate-200 px-3 py-1.5 text-sm text-slate-400 dark:border-slate-800 dark:text-slate-600";
  return (
    <nav
      aria-label={props.label ?? "Pages"}
      class="mt-3 flex flex-wrap items-center justify-between gap-2 text-sm"
    >
      <div class="flex gap-2">
        {first && prev
          ? (
            <a class={BUTTON_SECONDARY} href={first} data-pager="first">
              {props.firstLabel ?? "« Newest"}
            </a>
          )
          : null}
        {prev
          ? <a class={BUTTON_SECONDARY} href={prev} rel="prev" data-pager="prev">‹ Previous</a>
          : <span class={disabled}>‹ Previous</span>}
      </div>
      <span class="text-slate-500">{props.shown} shown</span>
      <div class="flex gap-2">
        {next
          ? <a class={BUTTON_SECONDARY} href={next} rel="next" data-pager="next">Next ›</a>
          : <span class={disabled}>Next ›</span>}
        {!prev && !next && first
          ? <a class={BUTTON_SECONDARY} href={first} data-pager="first">First page</a>
          : null}
      </div>
    </nav>
  );
}
