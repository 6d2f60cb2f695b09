// The write thread's CPU per /b.gif view, by part, as the stored rows of the day grow: the insert
// alone, + the sessions upsert (lib/db/session_table.ts), + the per-day aggregates
// (lib/db/aggregates.ts), each in batches of `--batch` rows as the writer sends them (1000 under
// wrk's load: the batch size fills before the 1 s flush timer). The rows are the pixel bench's
// (bench/pixel_load.ts): every hit its own session, all from one client address and User-Agent,
// so one cookieless visitor owns them all (`--visitors=1`); `--visitors=N` spreads them over N.
// `--profile` prints a V8 CPU profile of the last mode (insert + sessions + aggregates) instead.
// `--zone=Europe/Berlin`: the site in that zone (its aggregates kept in its local days).
// Usage: deno run -A bench/pixel_writer.ts [--views=60000] [--batch=1000] [--visitors=1]
//        [--zone=Europe/Berlin] [--profile]
import { cpuUsage } from "node:process";
import { insertRows } from "../lib/db/collect.ts";
import { insertSql, VIEW_COLUMNS, type ViewRow } from "../lib/db/columns.ts";
import { openDatabase } from "../lib/db/mod.ts";
import { upsertSessions } from "../lib/db/session_table.ts";
import { view } from "../tests/_stats_fixture.ts";
import { profileWhile } from "./pixel_profile.ts";

const flag = (name: string, fallback: number) =>
  Number(Deno.args.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback);
const total = flag("views", 60_000);
const batchSize = flag("batch", 1000);
const visitors = flag("visitors", 1);
const zone = Deno.args.find((a) => a.startsWith("--zone="))?.slice("--zone=".length);
const start = Date.UTC(2026, 11, 7, 8);
const rows: ViewRow[] = Array.from({ length: total }, (_, i) =>
  view({
    site_id: "bench",
    visitor_id: `visitor-${(i % visitors).toString(16).padStart(16, "0")}`,
    session_id: `${i.toString(16).padStart(8, "0")}-0001-4000-8000-${String(i).padStart(12, "0")}`,
    path: `/bench/${i % 16_384}`,
    interaction_ms: 1200 + i % 5000,
    bot_score_detail: '{"pow":0,"evidence":0}',
    created_at: new Date(start + i * 0.1).toISOString(),
  }));
const modes = ["insert", "sessions", "aggregates"] as const;
const quarters = 4;
const perQuarter: Record<string, number[]> = {};
const profile = Deno.args.includes("--profile");
for (const mode of profile ? ["aggregates" as const] : modes) {
  const dir = Deno.makeTempDirSync({ prefix: "echelon-pixel-writer-" });
  const db = openDatabase(`${dir}/w.db`);
  if (zone) {
    db.run("INSERT INTO sites (site_id, source) VALUES ('bench', 'admin')");
    db.run("INSERT INTO site_settings (site_id, time_zone) VALUES ('bench', ?)", zone);
  }
  const plain = db.statement(insertSql("visitor_views", VIEW_COLUMNS));
  perQuarter[mode] = [];
  let used = 0;
  const insertAll = () => {
    for (let i = 0; i < total; i += batchSize) {
      const batch = rows.slice(i, i + batchSize);
      const before = cpuUsage();
      if (mode === "aggregates") insertRows(db, "visitor_views", batch);
      else {
        db.transaction(() => {
          let first = 0, last = 0;
          for (const row of batch) {
            last = Number(plain.run(...VIEW_COLUMNS.map((c) => row[c])).lastInsertRowid);
            first ||= last;
          }
          if (mode === "sessions") upsertSessions(db, first, last);
        });
      }
      const cpu = cpuUsage(before);
      used += cpu.user + cpu.system;
      const done = i + batch.length;
      if (done % (total / quarters) === 0) {
        perQuarter[mode].push(used / (total / quarters));
        used = 0;
      }
    }
  };
  const summary = profile
    ? await profileWhile(() => Promise.resolve(insertAll()))
    : (insertAll(), "");
  if (summary) console.log(summary);
  db.close();
  Deno.removeSync(dir, { recursive: true });
}
if (profile) Deno.exit(0);
console.log(
  `write CPU µs per view, batches of ${batchSize}, ${visitors} visitor(s), ${
    zone ?? "UTC"
  }, by quarter of ${total} views:`,
);
for (const mode of modes) {
  console.log(
    `${mode.padEnd(10)} ${perQuarter[mode].map((v) => v.toFixed(1).padStart(7)).join("")}`,
  );
}
