// The error page of page routes: a refusal the route raised on purpose (an HttpError with a 4xx
// status: a form over its size limit, not a form, read-only mode; or a 503: a read past its time
// budget, a full read queue) shows its own message, which names the limit or the rule; anything
// else is an unexpected failure, whose details go to the server log, never to the visitor.
import type { ErrorPageProps } from "../lib/fresh/mod.ts";
import { HttpError } from "../lib/http_error.ts";

export default function ServerError({ status, error }: ErrorPageProps) {
  const refusal = error instanceof HttpError && (error.status < 500 || error.status === 503)
    ? error
    : null;
  return (
    <main class="mx-auto flex min-h-screen max-w-xl flex-col items-center justify-center gap-6 p-8 text-center">
      <p class="font-mono text-7xl font-bold text-rose-600 dark:text-rose-400">{status}</p>
      <h1 class="text-2xl font-semibold">
        {refusal ? "The request was refused" : "Something went wrong"}
      </h1>
      <p class="text-slate-600 dark:text-slate-400">
        {refusal
          ? refusal.message
          : "The server could not complete this request. The error has been logged; try again " +
            "in a moment."}
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
