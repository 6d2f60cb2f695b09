// What crawlers and AI assistants are told (reference §1.3, §7.5): a private instance asks every
// crawler to stay out; a public read-only instance invites them to its dashboards, lists them in
// a sitemap and describes them in llms.txt.

/** The admin pages a public instance exposes (all aggregate views; no per-visitor page). */
export const PUBLIC_PAGES: readonly { path: string; title: string; about: string }[] = [
  { path: "/admin", title: "Dashboard", about: "visitors, views, bounce rate and top lists" },
  { path: "/admin/realtime", title: "Realtime", about: "visitors of the last minutes" },
  { path: "/admin/views", title: "Page views", about: "top pages of the period" },
  { path: "/admin/events", title: "Events", about: "event counts by type and name" },
  { path: "/admin/bots", title: "Bots", about: "bot scores, known crawlers and drops" },
  { path: "/admin/experiments", title: "Experiments", about: "A/B tests and their results" },
  { path: "/admin/campaigns", title: "Campaigns", about: "UTM campaigns and their traffic" },
  { path: "/admin/perf", title: "Performance", about: "benchmark trends from CI" },
];

export function robotsTxt(publicMode: boolean, origin: string): string {
  if (!publicMode) return "User-agent: *\nDisallow: /\n";
  return `User-agent: *\nAllow: /\nDisallow: /api/\n\nSitemap: ${origin}/sitemap.xml\n`;
}

export function sitemapXml(publicMode: boolean, origin: string): string {
  const urls = publicMode
    ? PUBLIC_PAGES.map((page) =>
      `  <url><loc>${escapeXml(origin + page.path)}</loc><changefreq>daily</changefreq></url>\n`
    ).join("")
    : "";
  return `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls}</urlset>\n`;
}

export function llmsTxt(origin: string): string {
  const pages = PUBLIC_PAGES.map((page) =>
    `- [${page.title}](${origin}${page.path}): ${page.about}`
  );
  return [
    "# Echelon Analytics (public dashboard)",
    "",
    "> A read-only, public instance of Echelon Analytics, a privacy-first, self-hosted web " +
    "analytics server. Everything here is aggregated; nothing can be changed.",
    "",
    "## Pages",
    "",
    ...pages,
    "",
    "## Data policy",
    "",
    "- No cookies by default; visitor ids are daily-rotating HMAC hashes, never raw IP addresses.",
    "- Bot traffic is scored (proof of work and request signals) and visitors scoring 50 or more " +
    "are excluded from every figure.",
    "- Public mode shows aggregates only: no visitor histories, no raw event data, no form fields.",
    "- Form values are never collected unless a site opts in, and then only scrambled.",
    "",
  ].join("\n");
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}
