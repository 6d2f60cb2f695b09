// Parts the pages of one site's saved objects share (/admin/sites/:id/goals, funnels, retention):
// the line naming the dashboard filters a page counts under, and a row's Change link and Delete
// button (a plain form posting `action=delete` and the id back to the page).
import type { DashboardFilters } from "../lib/admin/filters.ts";
import { BUTTON_SMALL, LINK } from "./ui.tsx";

export function FiltersNotice(props: { id: string; filters: DashboardFilters | null }) {
  const items = props.filters?.items ?? [];
  if (items.length === 0) return null;
  return (
    <p class="text-sm text-slate-600 dark:text-slate-300" id={props.id}>
      Under the dashboard's filters: {items.map((i) => i.label).join(", ")}.
    </p>
  );
}

export function ChangeDelete(props: { id: number }) {
  return (
    <>
      <a class={LINK} href={`?edit=${props.id}`}>Change</a>{" "}
      <form method="post" class="inline">
        <input type="hidden" name="action" value="delete" />
        <input type="hidden" name="id" value={String(props.id)} />
        <button type="submit" class={BUTTON_SMALL}>Delete</button>
      </form>
    </>
  );
}
