// The not-found page: says what was asked for and where to go instead.
import type { ErrorPageProps } from "../lib/fresh/mod.ts";

export default function NotFound({ url }: ErrorPageProps) {
  return (
    <main class="mx-auto flex min-h-screen max-w-xl flex-col items-center justify-center gap-6 p-8 text-center">
      <p class="font-mono text-7xl font-bold text-indigo-600 dark:text-indigo-400">404</p>
      <h1 class="text-2xl font-semibold">This page does not exist</h1>
      <p class="text-slate-600 dark:text-slate-400">
        Nothing is served at{" "}
        <code class="rounded bg-slate-200 px-1.5 py-0.5 font-mono text-sm dark:bg-slate-800">
          {url.pathname}
        </code>.
      </p>
      <a
        href="/admin"
        class="rounded-lg bg-indigo-600 px-4 py-2 font-medium text-white hover:bg-indigo-500"
      >
        Go to the dashboard
      </a>
    </main>
  );
}
