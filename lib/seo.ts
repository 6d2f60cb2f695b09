// What crawlers and AI assistants are told (reference §1.3, §7.5): a private instance asks every
// crawler to stay out; a public read-only instance invites them to its dashboards, lists them in
// a sitemap and describes them in llms.txt.
import { PUBLIC_ADMIN_PAGES } from "./public/policy.ts";

/** The public pages listed for crawlers (lib/public/policy.ts decides which pages are public). */
export const PUBLIC_PAGES: readonly { path: string; title: string; about: string }[] = Object
  .entries(PUBLIC_ADMIN_PAGES)
  .flatMap(([path, page]) => (page.listed ? [{ path, ...page.listed }] : []));

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
