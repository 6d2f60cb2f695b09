// A code snippet to copy (the embed tag): selectable monospace text that scrolls sideways on a
// phone instead of overflowing the page.
export function Snippet(props: { code: string; id?: string }) {
  return (
    <pre
      id={props.id}
      class="mt-2 max-w-full overflow-x-auto rounded-lg bg-slate-900 p-3 font-mono text-xs text-slate-100 select-all"
    ><code>{props.code}</code></pre>
  );
}
