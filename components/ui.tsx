// Small server-rendered building blocks shared by the admin pages: cards, stat tiles, notices,
// error lists, hidden form fields and the class names of buttons and inputs (kept here, in a
// folder Tailwind scans, so the utilities are generated).
import type { ComponentChildren } from "preact";

export const BUTTON =
  "inline-flex items-center justify-center gap-1 rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-500 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-400 disabled:opacity-50";
export const BUTTON_SECONDARY =
  "inline-flex items-center justify-center gap-1 rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-400 dark:border-slate-700 dark:bg-slate-900 dark:hover:bg-slate-800";
export const BUTTON_DANGER =
  "inline-flex items-center justify-center gap-1 rounded-md bg-rose-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-rose-500 focus:outline-none focus-visible:ring-2 focus-visible:ring-rose-400";
export const BUTTON_SMALL =
  "rounded border border-slate-300 px-2 py-0.5 text-xs font-medium hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800";
export const INPUT =
  "w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm text-slate-900 focus:border-indigo-500 focus:outline-none focus:ring-1 focus:ring-indigo-500 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100";
export const LABEL = "block text-xs font-medium uppercase tracking-wide text-slate-500";
export const LINK = "text-indigo-600 hover:underline dark:text-indigo-400";

export function Card(
  props: { title?: string; subtitle?: string; id?: string; children: ComponentChildren },
) {
  return (
    <section
      id={props.id}
      class="min-w-0 rounded-xl border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
    >
      {props.title && <h2 class="font-semibold">{props.title}</h2>}
      {props.subtitle && (
        <p class="mt-0.5 text-sm text-slate-500 dark:text-slate-400">{props.subtitle}</p>
      )}
      <div class={props.title || props.subtitle ? "mt-3" : ""}>{props.children}</div>
    </section>
  );
}

export function StatCard(props: { label: string; value: string; hint?: string }) {
  return (
    <div class="rounded-xl border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
      <div class="text-xs uppercase tracking-wide text-slate-500">{props.label}</div>
      <div class="mt-1 text-2xl font-semibold tabular-nums">{props.value}</div>
      {props.hint && <div class="mt-1 text-xs text-slate-500">{props.hint}</div>}
    </div>
  );
}

export function Notice(
  props: { tone?: "info" | "success" | "warning" | "error"; children: ComponentChildren },
) {
  const tone = props.tone ?? "info";
  const classes = {
    info:
      "border-sky-200 bg-sky-50 text-sky-900 dark:border-sky-900 dark:bg-sky-950 dark:text-sky-100",
    success:
      "border-emerald-200 bg-emerald-50 text-emerald-900 dark:border-emerald-900 dark:bg-emerald-950 dark:text-emerald-100",
    warning:
      "border-amber-200 bg-amber-50 text-amber-900 dark:border-amber-900 dark:bg-amber-950 dark:text-amber-100",
    error:
      "border-rose-200 bg-rose-50 text-rose-900 dark:border-rose-900 dark:bg-rose-950 dark:text-rose-100",
  }[tone];
  return (
    <div
      role={tone === "error" ? "alert" : "status"}
      class={`rounded-lg border px-4 py-3 text-sm ${classes}`}
    >
      {props.children}
    </div>
  );
}

/** Validation errors of a form, one per line; nothing when there are none. */
export function ErrorList(props: { errors: readonly string[] }) {
  if (props.errors.length === 0) return null;
  return (
    <Notice tone="error">
      <ul class="list-inside list-disc space-y-1">
        {props.errors.map((error) => <li key={error}>{error}</li>)}
      </ul>
    </Notice>
  );
}

/** Hidden inputs carrying query parameters through a GET form. */
export function HiddenFields(props: { params: Iterable<[string, string]> }) {
  return (
    <>
      {[...props.params].map(([name, value], i) => (
        <input key={`${i}:${name}`} type="hidden" name={name} value={value} />
      ))}
    </>
  );
}

/** A labelled form control. */
export function Field(props: { label: string; for?: string; children: ComponentChildren }) {
  return (
    <label class="block min-w-0 space-y-1" for={props.for}>
      <span class={LABEL}>{props.label}</span>
      {props.children}
    </label>
  );
}
