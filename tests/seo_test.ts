// robots.txt, sitemap.xml, llms.txt and the meta robots tag, in private and public mode: private
// instances keep crawlers out; public ones list exactly the pages that exist and are public.
import assert from "node:assert/strict";
import { PUBLIC_PAGES } from "../lib/seo.ts";
import { createTestApp, TEST_ORIGIN } from "./_helpers.ts";

Deno.test("seo: a private instance disallows everything and lists nothing", async () => {
  const t = await createTestApp();
  const robots = await t.request("/robots.txt");
  assert.equal(robots.status, 200);
  assert.equal(robots.headers.get("content-type"), "text/plain; charset=utf-8");
  assert.equal(await robots.text(), "User-agent: *\nDisallow: /\n");
  const sitemap = await (await t.request("/sitemap.xml")).text();
  assert.match(
    sitemap,
    /<urlset xmlns="http:\/\/www\.sitemaps\.org\/schemas\/sitemap\/0\.9">\n<\/urlset>/,
  );
  assert.doesNotMatch(sitemap, /<url>/);
  const llms = await t.request("/llms.txt");
  assert.equal(llms.status, 404);
  assert.equal((await llms.json()).error, "not_found");
});

Deno.test("seo: a public instance allows crawling, names its sitemap and describes itself", async () => {
  const t = await createTestApp({ ECHELON_PUBLIC_MODE: "true" });
  const robots = await (await t.request("/robots.txt")).text();
  assert.match(robots, /^User-agent: \*\nAllow: \/\n/);
  assert.match(robots, new RegExp(`Sitemap: ${TEST_ORIGIN}/sitemap\\.xml`));
  const sitemap = await (await t.request("/sitemap.xml")).text();
  const locs = [...sitemap.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1]);
  assert.deepEqual(locs, PUBLIC_PAGES.map((page) => TEST_ORIGIN + page.path));
  assert.equal(sitemap.match(/<changefreq>daily<\/changefreq>/g)?.length, locs.length);
  const llms = await t.request("/llms.txt");
  assert.equal(llms.status, 200);
  assert.equal(llms.headers.get("content-type"), "text/markdown; charset=utf-8");
  const text = await llms.text();
  for (const page of PUBLIC_PAGES) assert.ok(text.includes(TEST_ORIGIN + page.path), page.path);
  assert.match(text, /## Data policy/);
  // Every listed page exists and is served to anonymous visitors in public mode.
  for (const page of PUBLIC_PAGES) {
    const res = await t.request(page.path);
    assert.equal(res.status, 200, page.path);
    const html = await res.text();
    assert.match(html, /<meta name="robots" content="index, follow"\/?>/, page.path);
  }
});
