// Tables for admin lists. On a narrow screen the table scrolls sideways inside its card instead of
// squeezing columns; cells do not wrap unless marked `wrap`, so rows stay one line each.
import type { ComponentChildren } from "preact";

export function DataTable(
  props: { id?: string; caption?: string; head: ComponentChildren; children: ComponentChildren },
) {
  return (
    <div class="-mx-4 overflow-x-auto sm:mx-0">
      <table id={props.id} class="min-w-full text-left text-sm">
        {props.caption && <caption class="sr-only">{props.caption}</caption>}
        <thead class="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500 dark:border-slate-800">
          <tr>{props.head}</tr>
        </thead>
        <tbody class="divide-y divide-slate-100 dark:divide-slate-800">{props.children}</tbody>
      </table>
    </div>
  );
}

export function Th(props: { children?: ComponentChildren; numeric?: boolean }) {
  return (
    <th
      scope="col"
      class={props.numeric
        ? "whitespace-nowrap px-4 py-2 text-right font-medium sm:px-3"
        : "whitespace-nowrap px-4 py-2 font-medium sm:px-3"}
    >
      {props.children}
    </th>
  );
}

export function Td(
  props: {
    children?: ComponentChildren;
    numeric?: boolean;
    mono?: boolean;
    wrap?: boolean;
    title?: string;
  },
) {
  const classes = [
    "px-4 py-2 align-top sm:px-3",
    props.wrap ? "min-w-64 break-all" : "whitespace-nowrap",
    props.numeric ? "text-right tabular-nums" : "",
    props.mono ? "font-mono text-xs" : "",
  ].filter(Boolean).join(" ");
  return <td class={classes} title={props.title}>{props.children}</td>;
}

/** The single row of an empty table. */
export function EmptyRow(props: { columns: number; children: ComponentChildren }) {
  return (
    <tr>
      <td colSpan={props.columns} class="px-4 py-6 text-center text-sm text-slate-500 sm:px-3">
        {props.children}
      </td>
    </tr>
  );
}

/** A long value cut for a cell, the whole value in the tooltip. */
export function Truncated(props: { value: string | null; max?: number }) {
  const value = props.value ?? "";
  const max = props.max ?? 48;
  if (value === "") return <span class="text-slate-400">—</span>;
  return value.length > max
    ? <span title={value}>{value.slice(0, max - 1)}…</span>
    : <span>{value}</span>;
}
