// The admin page frame: a sticky header (product, live figures, theme switch, signed-in user and
// logout), the navigation from lib/admin/nav.ts, the site/period selectors, a notice from the
// last form, then the page. Pages pass the frame from `loadAdminFrame(ctx)`; nothing here
// queries anything. In public mode no logout or other write control is rendered.
import type { ComponentChildren } from "preact";
import ThemeToggle from "../islands/ThemeToggle.tsx";
import type { AdminFrame } from "../lib/admin/frame.ts";
import { formatNumber } from "../lib/admin/format.ts";
import { ADMIN_NAV, isCurrent } from "../lib/admin/nav.ts";
import { adminHref } from "../lib/admin/period.ts";
import { isPublicPage } from "../lib/public/policy.ts";
import { SelectionBar } from "./SelectionBar.tsx";
import { Notice } from "./ui.tsx";

export interface AdminShellProps {
  title: string;
  /** The header's data; without it (older pages) the header shows only the navigation. */
  frame?: AdminFrame;
  /** The version for the footer when there is no frame. */
  version?: string;
  /** Show the site and period selectors (pages whose data follows them). Default true. */
  selection?: boolean;
  subtitle?: ComponentChildren;
  /** Controls at the right of the title (links or forms). */
  actions?: ComponentChildren;
  children: ComponentChildren;
}

export function AdminShell(props: AdminShellProps) {
  const frame = props.frame;
  const version = frame?.version ?? props.version ?? "";
  return (
    <div class="flex min-h-screen flex-col">
      <header class="sticky top-0 z-20 border-b border-slate-200 bg-white/90 backdrop-blur dark:border-slate-800 dark:bg-slate-900/90">
        <div class="mx-auto flex max-w-6xl flex-wrap items-center gap-x-4 gap-y-2 px-4 py-2">
          <a href="/admin" class="flex shrink-0 items-center gap-2 font-semibold">
            <img src="/logo.svg" alt="" width="24" height="24" />
            <span>Echelon</span>
          </a>
          {frame && <LiveFigures frame={frame} />}
          <div class="ml-auto flex items-center gap-2">
            <ThemeToggle />
            {frame && <UserMenu frame={frame} />}
          </div>
        </div>
        <AdminNav frame={frame} />
      </header>
      <main class="mx-auto w-full max-w-6xl flex-1 space-y-5 px-4 py-5">
        <div class="flex flex-wrap items-start justify-between gap-3">
          <div class="min-w-0">
            <h1 class="text-2xl font-semibold">{props.title}</h1>
            {props.subtitle && (
              <p class="mt-1 text-sm text-slate-500 dark:text-slate-400">{props.subtitle}</p>
            )}
          </div>
          {props.actions && <div class="flex flex-wrap gap-2">{props.actions}</div>}
        </div>
        {frame && props.selection !== false && <SelectionBar frame={frame} />}
        {frame?.notice && <Notice tone="success">{frame.notice}</Notice>}
        {props.children}
      </main>
      <footer class="border-t border-slate-200 py-4 text-center text-xs text-slate-500 dark:border-slate-800">
        Echelon Analytics {version && `v${version}`}
        {frame && ` · times in ${frame.timezone}`}
        {frame?.readOnly && " · public read-only instance"}
        {/* The attribution the licences of the IP data in use ask for (lib/ingest/geo_sources.ts). */}
        {frame?.ipData.map((a) => (
          <span class="ip-data" key={a.text}>
            {" · "}
            {a.url === null ? a.text : <a class="underline" href={a.url}>{a.text}</a>}
            {a.licence && `, ${a.licence}`}
          </span>
        ))}
      </footer>
    </div>
  );
}

function AdminNav(props: { frame?: AdminFrame }) {
  const frame = props.frame;
  const path = frame?.path ?? "";
  return (
    <nav aria-label="Admin" class="mx-auto max-w-6xl overflow-x-auto px-2">
      <ul class="flex gap-1 whitespace-nowrap pb-1.5 text-sm">
        {/* A public instance links only the pages it serves (lib/public/policy.ts). */}
        {ADMIN_NAV.filter((item) => !frame?.readOnly || isPublicPage(item.href)).map((item) => {
          const current = isCurrent(item, path);
          const href = frame && item.keepsSelection
            ? adminHref(item.href, frame.selection)
            : item.href;
          return (
            <li>
              <a
                href={href}
                aria-current={current ? "page" : undefined}
                class={current
                  ? "block rounded-md bg-indigo-50 px-3 py-1.5 font-medium text-indigo-700 dark:bg-indigo-950 dark:text-indigo-300"
                  : "block rounded-md px-3 py-1.5 text-slate-600 hover:bg-slate-100 hover:text-slate-900 dark:text-slate-300 dark:hover:bg-slate-800 dark:hover:text-white"}
              >
                {item.label}
              </a>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

function LiveFigures(props: { frame: AdminFrame }) {
  const { live, selection } = props.frame;
  return (
    <dl
      id="live-figures"
      class="flex items-center gap-3 text-xs text-slate-600 dark:text-slate-300"
      title={selection.site ? `Site ${selection.site}` : "All sites"}
    >
      <div class="flex items-center gap-1.5">
        <span class="inline-block h-2 w-2 rounded-full bg-emerald-500" aria-hidden="true"></span>
        <dt class="sr-only">Active visitors (last 5 minutes)</dt>
        <dd>
          <span class="font-semibold tabular-nums" data-live="active">
            {formatNumber(live.active_visitors)}
          </span>{" "}
          active
        </dd>
      </div>
      <div>
        <dt class="sr-only">Page views today (UTC)</dt>
        <dd>
          <span class="font-semibold tabular-nums" data-live="views-today">
            {formatNumber(live.views_today)}
          </span>{" "}
          views today
        </dd>
      </div>
      <div class="hidden sm:block">
        <dt class="sr-only">Bot page views today (UTC)</dt>
        <dd>
          <span class="tabular-nums" data-live="bots-today">
            {formatNumber(live.bot_views_today)}
          </span>{" "}
          bot
        </dd>
      </div>
    </dl>
  );
}

function UserMenu(props: { frame: AdminFrame }) {
  const { frame } = props;
  if (frame.readOnly) {
    return (
      <span class="rounded-md bg-amber-100 px-2 py-1 text-xs font-medium text-amber-900 dark:bg-amber-950 dark:text-amber-200">
        Read-only
      </span>
    );
  }
  return (
    <form method="post" action="/admin/logout" class="flex items-center gap-2" id="logout-form">
      {frame.username && (
        <span class="hidden text-sm text-slate-600 sm:inline dark:text-slate-300">
          {frame.username}
        </span>
      )}
      <button
        type="submit"
        class="rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
      >
        Log out
      </button>
    </form>
  );
}
