// Tests for lib/ingest/referrer.ts: origin, domain and type for every type, plus garbage input.

import assert from "node:assert/strict";
import {
  type ClassifiedReferrer,
  classifyReferrer,
  MAX_REFERRER_LENGTH,
} from "../lib/ingest/referrer.ts";

const UNKNOWN: ClassifiedReferrer = { origin: null, domain: null, type: "direct_or_unknown" };
const PAGE_HOST = "shop.example.com";

const CASES: [referrer: string | null, expected: ClassifiedReferrer][] = [
  // ai
  ["https://chatgpt.com/", { origin: "https://chatgpt.com", domain: "chatgpt.com", type: "ai" }],
  [
    "https://www.perplexity.ai/search?q=x",
    { origin: "https://www.perplexity.ai", domain: "perplexity.ai", type: "ai" },
  ],
  [
    "https://gemini.google.com/app/abc",
    { origin: "https://gemini.google.com", domain: "gemini.google.com", type: "ai" },
  ],
  [
    "https://chat.deepseek.com/a/chat",
    { origin: "https://chat.deepseek.com", domain: "chat.deepseek.com", type: "ai" },
  ],
  ["https://claude.ai/chat/1", { origin: "https://claude.ai", domain: "claude.ai", type: "ai" }],
  // search, including Google's country domains in every shape
  [
    "https://www.google.com/",
    { origin: "https://www.google.com", domain: "google.com", type: "search" },
  ],
  [
    "https://www.google.co.uk/",
    { origin: "https://www.google.co.uk", domain: "google.co.uk", type: "search" },
  ],
  [
    "https://www.google.com.au/search",
    { origin: "https://www.google.com.au", domain: "google.com.au", type: "search" },
  ],
  ["https://google.de/", { origin: "https://google.de", domain: "google.de", type: "search" }],
  [
    "https://yandex.com.tr/search/",
    { origin: "https://yandex.com.tr", domain: "yandex.com.tr", type: "search" },
  ],
  [
    "https://duckduckgo.com/",
    { origin: "https://duckduckgo.com", domain: "duckduckgo.com", type: "search" },
  ],
  ["https://cn.bing.com/", {
    origin: "https://cn.bing.com",
    domain: "cn.bing.com",
    type: "search",
  }],
  [
    "https://search.brave.com/search?q=a",
    { origin: "https://search.brave.com", domain: "search.brave.com", type: "search" },
  ],
  ["https://kagi.com/", { origin: "https://kagi.com", domain: "kagi.com", type: "search" }],
  // Google product subdomains are not search results.
  [
    "https://mail.google.com/mail/u/0/",
    { origin: "https://mail.google.com", domain: "mail.google.com", type: "direct_or_unknown" },
  ],
  // A look-alike host must not inherit the type of the name it contains.
  [
    "https://google.com.evil.example/",
    {
      origin: "https://google.com.evil.example",
      domain: "google.com.evil.example",
      type: "direct_or_unknown",
    },
  ],
  [
    "https://notfacebook.com/",
    { origin: "https://notfacebook.com", domain: "notfacebook.com", type: "direct_or_unknown" },
  ],
  // social
  ["https://t.co/abc", { origin: "https://t.co", domain: "t.co", type: "social" }],
  [
    "https://l.facebook.com/l.php?u=x",
    { origin: "https://l.facebook.com", domain: "l.facebook.com", type: "social" },
  ],
  [
    "https://m.facebook.com/",
    { origin: "https://m.facebook.com", domain: "m.facebook.com", type: "social" },
  ],
  [
    "https://old.reddit.com/r/deno",
    { origin: "https://old.reddit.com", domain: "old.reddit.com", type: "social" },
  ],
  [
    "https://news.ycombinator.com/item?id=1",
    { origin: "https://news.ycombinator.com", domain: "news.ycombinator.com", type: "social" },
  ],
  ["https://bsky.app/profile/x", {
    origin: "https://bsky.app",
    domain: "bsky.app",
    type: "social",
  }],
  ["https://lnkd.in/abc", { origin: "https://lnkd.in", domain: "lnkd.in", type: "social" }],
  // internal: same site, with or without www. and port
  [
    "https://shop.example.com/cart?id=1",
    { origin: "https://shop.example.com", domain: "shop.example.com", type: "internal" },
  ],
  [
    "http://www.shop.example.com:8443/",
    { origin: "http://www.shop.example.com:8443", domain: "shop.example.com", type: "internal" },
  ],
  // unknown but valid: origin and domain kept, upper case and trailing dot normalised
  [
    "https://WWW.Blog.Example.ORG./post/1#top",
    {
      origin: "https://www.blog.example.org.",
      domain: "blog.example.org",
      type: "direct_or_unknown",
    },
  ],
  // userinfo never leaks into the origin
  [
    "https://user:secret@example.net/x",
    { origin: "https://example.net", domain: "example.net", type: "direct_or_unknown" },
  ],
  // garbage and non-http(s)
  [null, UNKNOWN],
  ["", UNKNOWN],
  ["not a url", UNKNOWN],
  ["/relative/path", UNKNOWN],
  ["javascript:alert(1)", UNKNOWN],
  ["android-app://com.google.android.gm/", UNKNOWN],
  ["ftp://files.example.com/", UNKNOWN],
  ["data:text/html,hi", UNKNOWN],
  ["http://", UNKNOWN],
  ["https://" + "a".repeat(MAX_REFERRER_LENGTH) + ".com/", UNKNOWN],
];

for (const [referrer, expected] of CASES) {
  Deno.test(`classifyReferrer(${JSON.stringify(referrer?.slice(0, 60))})`, () => {
    assert.deepEqual({ ...classifyReferrer(referrer, PAGE_HOST) }, expected);
  });
}

Deno.test("classifyReferrer: the page host may be a Host header, a URL or missing", () => {
  const ref = "https://example.com/a";
  assert.equal(classifyReferrer(ref, "example.com").type, "internal");
  assert.equal(classifyReferrer(ref, "EXAMPLE.com:443").type, "internal");
  assert.equal(classifyReferrer(ref, "https://www.example.com/page").type, "internal");
  assert.equal(classifyReferrer(ref, "other.com").type, "direct_or_unknown");
  assert.equal(classifyReferrer(ref, null).type, "direct_or_unknown");
  assert.equal(classifyReferrer(ref, "").type, "direct_or_unknown");
  assert.equal(classifyReferrer(ref, "::garbage::").type, "direct_or_unknown");
  // Your own site linked from Google is still a search visit on other hosts, but internal here.
  assert.equal(classifyReferrer("https://www.google.com/", "google.com").type, "internal");
});

Deno.test("classifyReferrer never throws on hostile input", () => {
  const inputs = ["http://[::1", "https://%zz", "http://a b.com", "\u0000", "https://\u202e.com"];
  for (const input of inputs) {
    assert.doesNotThrow(() => classifyReferrer(input, input));
  }
});
