// Runs `deno task admin …` the way an operator does (scripts/admin.ts as a subprocess, with the
// task's permissions) and feeds a running server hits and batch events over HTTP.
import { beaconUrl, BROWSER_HEADERS } from "./_collect.ts";
import { TEST_SECRET } from "./_helpers.ts";

const ADMIN = new URL("../scripts/admin.ts", import.meta.url).pathname;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runAdmin(
  args: string[],
  env: Record<string, string>,
  stdin?: string,
): Promise<CliResult> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", ADMIN, ...args],
    env: { NO_COLOR: "1", ...env },
    clearEnv: true,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  if (stdin !== undefined) await writer.write(new TextEncoder().encode(stdin));
  await writer.close();
  const out = await child.output();
  const decoder = new TextDecoder();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

export const BEARER = { authorization: `Bearer ${TEST_SECRET}` };

/** Posts one /api/ingest batch of `count` events for `site`; resolves with the accepted count. */
export async function ingestBatch(baseUrl: string, site: string, count: number): Promise<number> {
  const ts = new Date().toISOString();
  const res = await fetch(`${baseUrl}/api/ingest`, {
    method: "POST",
    headers: { ...BEARER, "content-type": "application/json" },
    body: JSON.stringify({
      v: 1,
      batch_id: crypto.randomUUID(),
      context: { session_id: crypto.randomUUID(), site_id: site, device_class: "desktop" },
      events: Array.from({ length: count }, (_, i) => ({
        event_id: crypto.randomUUID(),
        type: i % 2 ? "signup" : "checkout",
        ts,
        data: { path: `/p/${i % 7}` },
      })),
    }),
  });
  if (res.status !== 200) throw new Error(`ingest: ${res.status} ${await res.text()}`);
  return (await res.json()).accepted;
}

/**
 * Sends `count` page views to /b.gif as browsers without a proof of work would: stored (scored as
 * unverified), so they are rows to back up and export, and figures for the rollups.
 */
export async function sendViews(baseUrl: string, site: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const url = beaconUrl({ s: site, sid: crypto.randomUUID(), p: btoa(`/page/${i % 3}`) });
    const res = await fetch(baseUrl + url, { headers: BROWSER_HEADERS });
    if (res.status !== 200) throw new Error(`/b.gif: ${res.status}`);
    await res.body?.cancel();
  }
}
