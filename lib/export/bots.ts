// bots.csv: the bot report of a period — stored views by score bucket, known-bot traffic (per
// bot, then per day, bot and path), hits dropped before storage, and the suspicious visitors
// themselves — which public mode leaves out (lib/public/policy.ts lists the aggregate sections).
import { botCategory } from "../bots/known_bots.ts";
import type { BotExportRange, BotExportRows } from "../store/exports.ts";
import type { CsvSection } from "./csv.ts";

/** Suspicious visitors listed in a private export (the highest scores first). */
export const MAX_SUSPICIOUS_ROWS = 1000;

/**
 * The file's sections from its rows (the read `botsCsvSections`, lib/reads/registry.ts); the
 * suspicious visitors' section is left out when their rows were not read (`suspicious` null).
 */
export function botsSections(
  rows: BotExportRows,
  range: BotExportRange,
  generatedAt: string,
): CsvSection[] {
  const days = rows.knownBotDays;
  const perBot = new Map<string, number>();
  for (const row of days) perBot.set(row.bot_name, (perBot.get(row.bot_name) ?? 0) + row.hits);
  const bots = [...perBot].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));

  return [
    {
      title: "Echelon Analytics bot report",
      header: ["field", "value"],
      rows: [
        ["site_id", range.siteId ?? "all sites"],
        ["from", range.from],
        ["to", range.to],
        ["timezone", "UTC"],
        ["generated_at", generatedAt],
      ],
    },
    {
      title: "Stored page views by bot score",
      header: ["bucket", "min_score", "max_score", "pageviews", "visitors"],
      rows: rows.buckets.map((b) => [
        b.bucket,
        b.min_score,
        b.max_score,
        b.views,
        b.visitors,
      ]),
    },
    {
      title: "Known bots",
      header: ["bot_name", "category", "hits"],
      rows: bots.map(([name, hits]) => [name, botCategory(name), hits]),
    },
    {
      title: "Known-bot hits by day, bot and path",
      header: ["date", "bot_name", "category", "path", "hits"],
      rows: days.map((r) => [r.date, r.bot_name, botCategory(r.bot_name), r.path, r.hits]),
    },
    {
      title: "Dropped hits",
      header: ["date", "endpoint", "reason", "hits"],
      rows: rows.droppedDays.map((r) => [r.date, r.endpoint, r.reason, r.hits]),
    },
    ...(rows.suspicious !== null
      ? [{
        title: `Suspicious visitors (score 25 or more, up to ${MAX_SUSPICIOUS_ROWS})`,
        header: [
          "visitor_id",
          "max_bot_score",
          "pageviews",
          "first_seen",
          "last_seen",
          "sites",
          "countries",
          "devices",
          "browsers",
          "is_excluded",
        ],
        rows: rows.suspicious.map((v) => [
          v.visitor_id,
          v.max_bot_score,
          v.pageviews,
          v.first_seen,
          v.last_seen,
          v.sites,
          v.countries,
          v.devices,
          v.browsers,
          v.is_excluded,
        ]),
      }]
      : []),
  ];
}
