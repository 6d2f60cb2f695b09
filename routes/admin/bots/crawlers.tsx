// /admin/bots/crawlers: crawlers seen on the server (POST /api/crawl, `deno task crawlers
// import`) per crawler, page and day, verified against their published IP ranges, with the
// AI-assistant referrals each page received next to its crawls ("crawled by GPTBot, then visited
// from ChatGPT"). The same report as GET /api/bots/crawlers. Not served by a public instance.
import { AdminShell } from "../../../components/AdminShell.tsx";
import { DataTable, EmptyRow, Td, Th } from "../../../components/DataTable.tsx";
import { Card, LINK, StatCard } from "../../../components/ui.tsx";
import { formatNumber } from "../../../lib/admin/format.ts";
import { type AdminFrame, loadAdminFrame } from "../../../lib/admin/frame.ts";
import { isoDay } from "../../../lib/admin/period.ts";
import type { CrawlerReport, CrawlerRow, PageRow } from "../../../lib/crawlers/report.ts";
import { page, type PageProps } from "../../../lib/fresh/mod.ts";
import { readerFor } from "../../../lib/reads/caller.ts";
import type { Ctx, State } from "../../../lib/state.ts";

interface Data {
  frame: AdminFrame;
  report: CrawlerReport;
  rangesDate: string;
  csvHref: string;
}

export const handler = {
  async GET(ctx: Ctx) {
    const frame = loadAdminFrame(ctx);
    const { site, period } = frame.selection;
    const report = await readerFor(ctx).run("crawlerReport", {
      siteId: site,
      sinceDate: period.from,
    });
    const today = Date.parse(`${isoDay(ctx.state.services.now())}T00:00:00.000Z`);
    const days = Math.round((today - Date.parse(`${period.from}T00:00:00.000Z`)) / 86_400_000) + 1;
    const params = new URLSearchParams({ days: String(days) });
    if (site) params.set("site_id", site);
    return page<Data>({
      frame,
      report,
      rangesDate: ctx.state.services.crawlers().ranges.date,
      csvHref: `/api/export/crawlers.csv?${params}`,
    });
  },
};

const COUNT_HEADS = ["Hits", "Verified", "Unverified (spoofed?)", "No published ranges"];

function counts(row: CrawlerRow | PageRow) {
  return [row.hits, row.verified, row.unverified, row.unlisted].map((n, i) => (
    <Td key={i} numeric>{formatNumber(n)}</Td>
  ));
}

export default function CrawlersPage({ data }: PageProps<Data, State>) {
  const { frame, report } = data;
  const total = report.crawlers.reduce((sum, c) => sum + c.hits, 0);
  const verified = report.crawlers.reduce((sum, c) => sum + c.verified, 0);
  const spoofed = report.unverified.reduce((sum, c) => sum + c.hits, 0);
  const referrals = report.pages.reduce((sum, p) => sum + p.ai_referrals, 0);
  return (
    <AdminShell
      title="Crawlers"
      frame={frame}
      subtitle={`Seen on the server since ${frame.selection.period.from} (UTC) · ${
        frame.selection.site ?? "all sites"
      } · IP ranges of ${data.rangesDate}`}
      actions={<a class={LINK} href={data.csvHref}>CSV</a>}
    >
      <section class="grid grid-cols-4 gap-4" id="crawler-totals">
        <StatCard label="Crawler hits" value={formatNumber(total)} />
        <StatCard label="Verified by IP" value={formatNumber(verified)} />
        <StatCard label="Unverified (spoofed?)" value={formatNumber(spoofed)} />
        <StatCard label="AI-assistant referrals" value={formatNumber(referrals)} hint="views" />
      </section>
      <Card title="Crawlers" subtitle="Per crawler and category, by IP verification.">
        <DataTable
          id="crawlers"
          head={
            <>
              <Th>Crawler</Th>
              <Th>Category</Th>
              {COUNT_HEADS.map((h) => <Th key={h} numeric>{h}</Th>)}
            </>
          }
        >
          {report.crawlers.length === 0 && (
            <EmptyRow columns={6}>
              No crawler hits: send them to POST /api/crawl or run `deno task crawlers import`.
            </EmptyRow>
          )}
          {report.crawlers.map((c) => (
            <tr data-crawler={c.crawler}>
              <Td>{c.crawler}</Td>
              <Td>{c.category}</Td>
              {counts(c)}
            </tr>
          ))}
        </DataTable>
      </Card>
      <Card
        id="unverified"
        title="Unverified (spoofed?)"
        subtitle="Hits whose User-Agent names a crawler that publishes its IP ranges, from outside them."
      >
        <DataTable
          id="crawlers-unverified"
          head={
            <>
              <Th>Crawler</Th>
              <Th numeric>Hits</Th>
            </>
          }
        >
          {report.unverified.length === 0 && <EmptyRow columns={2}>None.</EmptyRow>}
          {report.unverified.map((c) => (
            <tr>
              <Td>{c.crawler}</Td>
              <Td numeric>{formatNumber(c.hits)}</Td>
            </tr>
          ))}
        </DataTable>
      </Card>
      <Card
        id="crawled-pages"
        title="Pages: crawls and AI-assistant referrals"
        subtitle="Human views referred by an AI assistant, next to the crawls of the same page."
      >
        <DataTable
          id="crawler-pages"
          head={
            <>
              <Th>Page</Th>
              <Th>Crawled by</Th>
              {COUNT_HEADS.map((h) => <Th key={h} numeric>{h}</Th>)}
              <Th numeric>AI referrals</Th>
              <Th>From</Th>
            </>
          }
        >
          {report.pages.length === 0 && <EmptyRow columns={8}>No pages.</EmptyRow>}
          {report.pages.map((p) => (
            <tr data-path={p.path}>
              <Td mono wrap>{frame.selection.site ? p.path : `${p.site_id}${p.path}`}</Td>
              <Td wrap>{p.crawlers.map((c) => `${c.crawler} (${c.hits})`).join(", ")}</Td>
              {counts(p)}
              <Td numeric>{formatNumber(p.ai_referrals)}</Td>
              <Td wrap>{p.assistants.map((a) => `${a.assistant} (${a.views})`).join(", ")}</Td>
            </tr>
          ))}
        </DataTable>
      </Card>
      <Card title="Per day" subtitle="Crawler hits per UTC day.">
        <DataTable
          id="crawlers-by-day"
          head={
            <>
              <Th>Day</Th>
              <Th>Crawler</Th>
              {COUNT_HEADS.map((h) => <Th key={h} numeric>{h}</Th>)}
            </>
          }
        >
          {report.by_day.length === 0 && <EmptyRow columns={6}>No crawler hits.</EmptyRow>}
          {report.by_day.map((d) => (
            <tr>
              <Td>{d.date}</Td>
              <Td>{d.crawler}</Td>
              {counts(d)}
            </tr>
          ))}
        </DataTable>
      </Card>
    </AdminShell>
  );
}
