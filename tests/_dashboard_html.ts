// The admin dashboard in tests: an app signed in with the stats fixture (tests/_stats_fixture.ts)
// and, in its HTML, the headline cards, a ranked list's labels and a row's cells
// (components/Kpi.tsx and components/TopList.tsx render them).
import { refreshRollups } from "../lib/stats/mod.ts";
import { adminApp, type AdminTestApp, registerSite } from "./_admin.ts";
import { insertFixture, SITE } from "./_stats_fixture.ts";

/** An admin app holding the stats fixture, its site registered, rollups refreshed. */
export async function fixtureAdmin(env: Record<string, string> = {}): Promise<AdminTestApp> {
  const app = await adminApp(env);
  insertFixture(app);
  registerSite(app, SITE, "The Shop");
  await refreshRollups(app.services);
  return app;
}

export const decode = (s: string) =>
  s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");

/** The value and change text of each headline card (data-kpi). */
export function kpis(html: string): Record<string, { value: string; delta: string | null }> {
  const out: Record<string, { value: string; delta: string | null }> = {};
  for (
    const [, key, body] of html.matchAll(
      /data-kpi="([^"]+)">([\s\S]*?)<\/div><\/div>(?=<div|<\/section>)/g,
    )
  ) {
    const value = body.match(/data-kpi-value[^>]*>([^<]*)</)?.[1] ?? "";
    const delta = body.match(/data-kpi-delta="[^"]+">([^<]*)</)?.[1] ?? null;
    out[key] = { value: decode(value), delta: delta === null ? null : decode(delta) };
  }
  return out;
}

/** The data-rank labels of one ranked table, in order. */
export function ranks(html: string, id: string): string[] {
  const table = html.match(new RegExp(`<table id="${id}"[\\s\\S]*?</table>`))?.[0] ?? "";
  return [...table.matchAll(/<tr data-rank="([^"]*)"/g)].map((m) => decode(m[1]));
}

/** The cells (text) of the row of table `id` whose data-rank is `label`. */
export function rankRow(html: string, id: string, label: string): string[] {
  const table = html.match(new RegExp(`<table id="${id}"[\\s\\S]*?</table>`))?.[0] ?? "";
  const row = table.split("<tr ").find((r) => r.startsWith(`data-rank="${label}"`)) ?? "";
  return [...row.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((m) =>
    decode(m[1].replace(/<svg[\s\S]*?<\/svg>/g, "").replace(/<[^>]+>/g, "").trim())
  );
}
