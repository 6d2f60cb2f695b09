// The error page for unexpected failures; details go to the server log, never to the visitor.
import type { ErrorPageProps } from "../lib/fresh/mod.ts";

export default function ServerError({ status }: ErrorPageProps) {
  return (
    <main class="mx-auto flex min-h-screen max-w-xl flex-col items-center justify-center gap-6 p-8 text-center">
      <p class="font-mono text-7xl font-bold text-rose-600 dark:text-rose-400">{status}</p>
      <h1 class="text-2xl font-semibold">Something went wrong</h1>
      <p class="text-slate-600 dark:text-slate-400">
        The server could not complete this request. The error has been logged; try again in a
        moment.
      </p>
      <a
        href="/admin"
        class="rounded-lg bg-indigo-600 px-4 py-2 font-medium text-white hover:bg-indigo-500"
      >
        Back to the dashboard
      </a>
    </main>
  );
}
