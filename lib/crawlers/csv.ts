// The crawler report as CSV sections (GET /api/export/crawlers.csv).
import type { CsvSection } from "../export/csv.ts";
import type { CrawlerReport } from "./report.ts";

const COUNTS = ["hits", "verified", "unverified", "unlisted", "errors"] as const;

export function crawlerSections(
  report: CrawlerReport & { site_id: string | null; since: string; ranges_snapshot: string },
  generatedAt: string,
): CsvSection[] {
  return [
    {
      title: "Echelon Analytics crawler report",
      header: ["field", "value"],
      rows: [
        ["site_id", report.site_id ?? "all sites"],
        ["since", report.since],
        ["timezone", "UTC"],
        ["ip_ranges_snapshot", report.ranges_snapshot],
        ["generated_at", generatedAt],
      ],
    },
    {
      title: "Crawlers",
      header: ["crawler", "category", ...COUNTS],
      rows: report.crawlers.map((c) => [c.crawler, c.category, ...COUNTS.map((k) => c[k])]),
    },
    {
      title: "Unverified (spoofed?): hits from outside the crawler's published IP ranges",
      header: ["crawler", "category", "hits"],
      rows: report.unverified.map((c) => [c.crawler, c.category, c.hits]),
    },
    {
      title: "Pages: crawls and AI-assistant referrals",
      header: ["site_id", "path", ...COUNTS, "ai_referrals", "crawlers", "assistants"],
      rows: report.pages.map((p) => [
        p.site_id,
        p.path,
        ...COUNTS.map((k) => p[k]),
        p.ai_referrals,
        p.crawlers.map((c) => `${c.crawler}:${c.hits}`).join(" "),
        p.assistants.map((a) => `${a.assistant}:${a.views}`).join(" "),
      ]),
    },
    {
      title: "Crawler hits by day",
      header: ["date", "crawler", "category", ...COUNTS],
      rows: report.by_day.map((d) => [d.date, d.crawler, d.category, ...COUNTS.map((k) => d[k])]),
    },
  ];
}
