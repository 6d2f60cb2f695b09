// /admin: the instance overview. Until the dashboard issue lands it shows what a new install needs:
// the instance's state and the snippet to paste into a site.
import { AdminShell } from "../../components/AdminShell.tsx";
import { currentSchemaVersion } from "../../lib/db/migrate.ts";
import { page, type PageProps } from "../../lib/fresh/mod.ts";
import type { Ctx, State } from "../../lib/state.ts";

interface Data {
  version: string;
  uptimeSeconds: number;
  schemaVersion: number;
  dbPath: string;
  origin: string;
}

export const handler = {
  GET(ctx: Ctx) {
    const { config, db, startedAt, now } = ctx.state.services;
    return page<Data>({
      version: config.version,
      uptimeSeconds: Math.round((now() - startedAt) / 1000),
      schemaVersion: currentSchemaVersion(db),
      dbPath: config.dbPath,
      origin: ctx.url.origin,
    });
  },
};

export default function AdminHome({ data }: PageProps<Data, State>) {
  const snippet = `<script src="${data.origin}/ea.js" data-site="my-site" defer></script>`;
  return (
    <AdminShell title="Overview" version={data.version}>
      <section class="grid gap-4 sm:grid-cols-3">
        <Stat label="Version" value={data.version} />
        <Stat label="Uptime" value={formatDuration(data.uptimeSeconds)} />
        <Stat label="Schema version" value={String(data.schemaVersion)} />
      </section>
      <section class="rounded-xl border border-slate-200 bg-white p-5 dark:border-slate-800 dark:bg-slate-900">
        <h2 class="mb-2 font-semibold">Track a site</h2>
        <p class="mb-3 text-sm text-slate-600 dark:text-slate-400">
          Paste this tag into every page of your site; replace <code>my-site</code>{" "}
          with a short id of your choosing (letters, digits, dot, dash, underscore).
        </p>
        <pre
          id="snippet"
          class="overflow-x-auto rounded-lg bg-slate-900 p-3 font-mono text-sm text-slate-100"
        >{snippet}</pre>
        <p class="mt-3 text-xs text-slate-500">
          Database: <code>{data.dbPath}</code>
        </p>
      </section>
    </AdminShell>
  );
}

function Stat(props: { label: string; value: string }) {
  return (
    <div class="rounded-xl border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
      <div class="text-xs uppercase tracking-wide text-slate-500">{props.label}</div>
      <div class="mt-1 text-xl font-semibold">{props.value}</div>
    </div>
  );
}

function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  return `${Math.floor(seconds / 3600)}h ${Math.floor((seconds % 3600) / 60)}m`;
}
