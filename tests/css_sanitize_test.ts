// The consent-CSS sanitiser: every fetching or scripting construct is neutralised however it is
// spelled (case, whitespace, escapes, comments, control characters), harmless CSS survives, and
// the output stays bounded.
import assert from "node:assert/strict";
import { MAX_CONSENT_CSS_LENGTH, sanitizeCss } from "../lib/admin/css_sanitize.ts";

const DANGEROUS =
  /url\s*\(|@\s*import|expression\s*\(|javascript\s*:|vbscript\s*:|behaviou?r\s*:|-moz-binding|image-set\s*\(|image\s*\(|<\/?style|\\/i;

/** CSS with comments removed, the way a browser's tokenizer sees it. */
function tokensOf(css: string): string {
  return css.replace(/\/\*[\s\S]*?\*\//g, " ");
}

Deno.test("css sanitiser: harmless CSS is kept as written", () => {
  const css = "div { background: #0f172a; color: rgb(255 255 255 / 0.9); }\n" +
    "button:hover > span { border-radius: 4px; font: 600 14px/1.4 system-ui, sans-serif; }";
  const result = sanitizeCss(css);
  assert.equal(result.css, css);
  assert.deepEqual(result.removed, []);
  assert.equal(result.truncated, false);
});

Deno.test("css sanitiser: fetching and scripting constructs are blocked in every spelling", () => {
  const cases: [string, string][] = [
    ["div { background: url(https://evil.example/p.gif) }", "url("],
    ["div { background: URL ( 'http://evil.example' ) }", "url("],
    ["div { background: u\\72 l(http://evil.example) }", "url("],
    ["div { background: u\\rl(//evil.example) }", "url("],
    ["@import 'https://evil.example/x.css';", "@import"],
    ["@IMPORT url(x.css);", "@import"],
    ["@im\\port 'x.css';", "@import"],
    ["div { width: expression(alert(1)) }", "expression("],
    ["div { width: EXPRESSION (alert(1)) }", "expression("],
    ["div { background: javascript:alert(1) }", "javascript:"],
    ["div { background: jAvAsCrIpT :alert(1) }", "javascript:"],
    ["div { behavior: url(x.htc) }", "behavior:"],
    ["div { -moz-binding: url(x.xml#b) }", "-moz-binding"],
    ["div { background: image-set('https://evil.example/a.png' 1x) }", "image-set("],
    ["div { background: -webkit-image-set('a.png' 1x) }", "-webkit-image-set("],
    ["div { background: image('https://evil.example/a.png') }", "image("],
    ["div { background: element(#x) }", "element("],
    ["div { background: paint(worklet) }", "paint("],
    ["div { background: src('https://evil.example') }", "src("],
    ["div { background: ur\u0000l(http://evil.example) }", "url("],
    ["div { background: ur<l(http://evil.example) }", "url("],
  ];
  for (const [input, construct] of cases) {
    const { css, removed } = sanitizeCss(input);
    assert.doesNotMatch(tokensOf(css), DANGEROUS, `${input} → ${css}`);
    assert.ok(
      removed.some((r) => r.replace(/\s+/g, "") === construct) ||
        removed.includes("backslash escapes") || removed.includes("control characters") ||
        removed.includes("<"),
      `${input}: removed ${removed.join(", ")}`,
    );
  }
});

Deno.test("css sanitiser: comments cannot hide or assemble a blocked word", () => {
  for (
    const input of [
      "div { background: ur/**/l(http://evil.example) }",
      "@im/* x */port 'evil.css';",
      "/* unclosed comment url(http://evil.example)",
      "div { background: /* a */ url(http://evil.example) /* b */ }",
      "/<* url(http://evil.example) */",
    ]
  ) {
    const { css } = sanitizeCss(input);
    assert.doesNotMatch(tokensOf(css), /url\s*\(|@import/i, `${input} → ${css}`);
  }
});

Deno.test("css sanitiser: </style and markup cannot break out of a style element", () => {
  const { css, removed } = sanitizeCss("div{}</style><script>alert(1)</script><style>");
  assert.doesNotMatch(css, /</);
  assert.ok(removed.includes("</style"));
});

Deno.test("css sanitiser: inline data: images are the only url() kept", () => {
  const png = "div { background: url(data:image/png;base64,iVBORw0KGgo=) }";
  assert.equal(sanitizeCss(png).css, png);
  const svg = `div { background: url("data:image/svg+xml,%3Csvg%3E%3C/svg%3E") }`;
  assert.equal(sanitizeCss(svg).css, svg);
  for (
    const input of [
      "div { background: url(data:text/html,<script>alert(1)</script>) }",
      "div { background: url(data:application/javascript,alert(1)) }",
    ]
  ) {
    const { css, removed } = sanitizeCss(input);
    assert.doesNotMatch(tokensOf(css), /url\s*\(/, `${input} → ${css}`);
    assert.ok(removed.includes("url("));
  }
  // The kept image is the first url(); the external one after it is still blocked.
  assert.match(
    sanitizeCss("div { background: url(data:image/png;base64,x) url(https://e.example) }").css,
    /^div \{ background: url\(data:image\/png;base64,x\) \/\*blocked\*\/https:/,
  );
});

Deno.test("css sanitiser: control characters are removed, whitespace kept", () => {
  const { css, removed } = sanitizeCss("div {\tcolor:\u0007 red;\r\n}\u0000\u001b\u2028");
  assert.equal(css, "div {\tcolor: red;\r\n}");
  assert.ok(removed.includes("control characters"));
});

Deno.test("css sanitiser: the length is bounded, before and after replacements", () => {
  const long = "a{}".repeat(2000);
  const result = sanitizeCss(long);
  assert.equal(result.truncated, true);
  assert.ok(result.css.length <= MAX_CONSENT_CSS_LENGTH);

  const blocked = "url(".repeat(1000);
  const out = sanitizeCss(blocked).css;
  assert.ok(out.length <= MAX_CONSENT_CSS_LENGTH, `length ${out.length}`);
  assert.doesNotMatch(tokensOf(out), /url\(/);
  // A mark cut in half would open a comment that swallows nothing; none is left open.
  assert.ok(out.lastIndexOf("/*") <= out.lastIndexOf("*/"));
});
