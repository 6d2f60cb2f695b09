// The admin page frame: top bar with the product name, navigation and the theme switch.
import type { ComponentChildren } from "preact";
import ThemeToggle from "../islands/ThemeToggle.tsx";

export function AdminShell(props: { title: string; version: string; children: ComponentChildren }) {
  return (
    <div class="min-h-screen">
      <header class="sticky top-0 z-10 border-b border-slate-200 bg-white/90 backdrop-blur dark:border-slate-800 dark:bg-slate-900/90">
        <div class="mx-auto flex max-w-6xl items-center gap-4 px-4 py-3">
          <a href="/admin" class="flex items-center gap-2 font-semibold">
            <img src="/logo.svg" alt="" width="24" height="24" />
            Echelon Analytics
          </a>
          <span class="ml-auto text-xs text-slate-500">v{props.version}</span>
          <ThemeToggle />
        </div>
      </header>
      <main class="mx-auto max-w-6xl space-y-6 px-4 py-6">
        <h1 class="text-2xl font-semibold">{props.title}</h1>
        {props.children}
      </main>
    </div>
  );
}
