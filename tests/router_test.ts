// The Fresh-conventions router, driven with in-memory route modules.
import assert from "node:assert/strict";
import { h } from "preact";
import { HttpError } from "../lib/http_error.ts";
import { registerIsland, serializeProps } from "../lib/fresh/islands.ts";
import { createRouter } from "../lib/fresh/router.ts";
import { compareRoutes, parseRouteFile } from "../lib/fresh/route_path.ts";
import { type Context, page, type RouteFile } from "../lib/fresh/mod.ts";

type S = { trail: string[] };
const text = (body: string) => () => new Response(body);

function router(files: RouteFile<S>[]) {
  const dispatch = createRouter<S>({
    files,
    assets: { scripts: ["/assets/main.js"], styles: [] },
    createState: () => ({ trail: [] }),
  });
  return (path: string, init?: RequestInit) =>
    dispatch(new Request(`http://x.test${path}`, init), "198.51.100.1");
}

Deno.test("route paths: index, params, catch-all, groups, dotted names", () => {
  const cases: [string, string][] = [
    ["index.tsx", "/"],
    ["admin/index.tsx", "/admin"],
    ["sites/[id].tsx", "/sites/:id"],
    ["files/[...rest].ts", "/files/*rest"],
    ["(marketing)/about.tsx", "/about"],
    ["api/(v1)/ping.ts", "/api/ping"],
    ["b.gif.ts", "/b.gif"],
    ["robots.txt.ts", "/robots.txt"],
  ];
  for (const [file, pattern] of cases) assert.equal(parseRouteFile(file).pattern, pattern, file);
  assert.throws(() => parseRouteFile("x/[a]b.ts"), /unsupported segment/);
});

Deno.test("route ranking: static before dynamic before catch-all, segment by segment", () => {
  const files = [
    "[...all].ts",
    "api/[name].ts",
    "api/health.ts",
    "[a]/b.ts",
    "x/[a].ts",
    "api/[...r].ts",
  ];
  const sorted = files.map(parseRouteFile).sort(compareRoutes).map((r) => r.pattern);
  assert.deepEqual(sorted, ["/api/health", "/api/:name", "/x/:a", "/api/*r", "/:a/b", "/*all"]);
});

Deno.test("router: a dynamic route never shadows a static one", async () => {
  const get = router([
    {
      file: "api/[name].ts",
      module: { handler: { GET: (ctx: Context<S>) => new Response(`dyn:${ctx.params.name}`) } },
    },
    { file: "api/health.ts", module: { handler: { GET: text("static") } } },
    {
      file: "api/[...rest].ts",
      module: { handler: { GET: (ctx: Context<S>) => new Response(`rest:${ctx.params.rest}`) } },
    },
    {
      file: "[...all].ts",
      module: { handler: { GET: (ctx: Context<S>) => new Response(`all:${ctx.params.all}`) } },
    },
  ]);
  assert.equal(await (await get("/api/health")).text(), "static");
  assert.equal(await (await get("/api/health/")).text(), "static", "trailing slash");
  assert.equal(await (await get("/api/other")).text(), "dyn:other");
  assert.equal(await (await get("/api/a%20b")).text(), "dyn:a b", "params are decoded");
  assert.equal(
    await (await get("/api/100%")).text(),
    "dyn:100%",
    "a malformed escape is kept, not a 500",
  );
  assert.equal(await (await get("/api/x/y")).text(), "rest:x/y");
  assert.equal(await (await get("/deep/er/path")).text(), "all:deep/er/path");
});

Deno.test("router: groups vanish from URLs but scope their middleware", async () => {
  const mark = (label: string) => async (ctx: Context<S>) => {
    ctx.state.trail.push(label);
    const res = await ctx.next();
    res.headers.append("x-trail", label);
    return res;
  };
  const echo = (ctx: Context<S>) => new Response(ctx.state.trail.join(">"));
  const get = router([
    { file: "_middleware.ts", module: { handler: mark("root") } },
    { file: "(admin)/_middleware.ts", module: { handler: [mark("g1"), mark("g2")] } },
    { file: "(admin)/settings/_middleware.ts", module: { handler: mark("settings") } },
    { file: "(admin)/settings/index.ts", module: { handler: { GET: echo } } },
    { file: "public.ts", module: { handler: { GET: echo } } },
  ]);
  const res = await get("/settings");
  assert.equal(await res.text(), "root>g1>g2>settings", "outer to inner order");
  assert.equal(
    res.headers.get("x-trail"),
    "settings, g2, g1, root",
    "responses unwind inner to outer",
  );
  assert.equal(await (await get("/public")).text(), "root", "group middleware does not leak");
});

Deno.test("router: middleware can answer without calling next", async () => {
  const get = router([
    {
      file: "api/_middleware.ts",
      module: { handler: () => new Response("denied", { status: 401 }) },
    },
    { file: "api/secret.ts", module: { handler: { GET: text("secret") } } },
  ]);
  const res = await get("/api/secret");
  assert.equal(res.status, 401);
  assert.equal(await res.text(), "denied");
});

Deno.test("router: 404 and 500 as JSON for API routes and as pages for HTML", async () => {
  const get = router([
    {
      file: "_app.tsx",
      module: {
        default: ({ Component }: { Component: () => unknown }) =>
          h("html", null, h("body", null, h(Component as never, null))),
      },
    },
    {
      file: "_404.tsx",
      module: {
        default: ({ url }: { url: URL }) => h("p", { id: "nf" }, `missing ${url.pathname}`),
      },
    },
    {
      file: "_500.tsx",
      module: {
        default: ({ status }: { status: number }) => h("p", { id: "err" }, `failed ${status}`),
      },
    },
    {
      file: "_middleware.ts",
      module: {
        handler: async (ctx: Context<S>) => {
          const r = await ctx.next();
          r.headers.set("x-mw", "1");
          return r;
        },
      },
    },
    {
      file: "api/boom.ts",
      module: {
        handler: {
          GET: () => {
            throw new Error("kaboom");
          },
        },
      },
    },
    {
      file: "api/teapot.ts",
      module: {
        handler: {
          GET: () => {
            throw new HttpError(418, "teapot", "short and stout");
          },
        },
      },
    },
    {
      file: "boom.tsx",
      module: {
        handler: {
          GET: () => {
            throw new Error("page kaboom");
          },
        },
        default: () => h("p", null, "never"),
      },
    },
  ]);
  let res = await get("/api/missing");
  assert.equal(res.status, 404);
  assert.deepEqual(await res.json(), { error: "not_found", message: "No route for /api/missing" });
  assert.equal(res.headers.get("x-mw"), "1", "root middleware also wraps not-found responses");

  res = await get("/missing", { headers: { accept: "text/html" } });
  assert.equal(res.status, 404);
  assert.match(await res.text(), /<p id="nf">missing \/missing<\/p>/);

  res = await get("/api/boom");
  assert.equal(res.status, 500);
  const body = await res.json();
  assert.equal(body.error, "internal_error");
  assert.doesNotMatch(JSON.stringify(body), /kaboom/, "no internals leak to the client");

  res = await get("/api/teapot");
  assert.equal(res.status, 418);
  assert.deepEqual(await res.json(), { error: "teapot", message: "short and stout" });

  // A browser navigating to a handler route (Sec-Fetch-Dest: document) gets the error page.
  res = await get("/api/teapot", { headers: { "sec-fetch-dest": "document" } });
  assert.equal(res.status, 418);
  assert.equal(res.headers.get("content-type"), "text/html; charset=utf-8");
  assert.match(await res.text(), /<p id="err">failed 418<\/p>/);

  res = await get("/boom");
  assert.equal(res.status, 500);
  assert.match(await res.text(), /<p id="err">failed 500<\/p>/);
});

Deno.test("router: pages get handler data, layouts nest inside _app", async () => {
  const Layout = (label: string) => ({ Component }: { Component: () => unknown }) =>
    h("div", { class: label }, h(Component as never, null));
  const get = router([
    {
      file: "_app.tsx",
      module: {
        default: ({ Component }: { Component: () => unknown }) =>
          h("html", null, h(Component as never, null)),
      },
    },
    { file: "_layout.tsx", module: { default: Layout("outer") } },
    { file: "sites/_layout.tsx", module: { default: Layout("inner") } },
    {
      file: "sites/[id].tsx",
      module: {
        handler: {
          GET: (ctx: Context<S>) => page({ id: ctx.params.id }, { headers: { "x-page": "1" } }),
        },
        default: ({ data }: { data: { id: string } }) => h("span", null, `site ${data.id}`),
      },
    },
    { file: "static-page.tsx", module: { default: () => h("em", null, "plain") } },
  ]);
  const res = await get("/sites/alpha");
  assert.equal(res.headers.get("content-type"), "text/html; charset=utf-8");
  assert.equal(res.headers.get("x-page"), "1");
  assert.equal(
    await res.text(),
    '<!DOCTYPE html><html><div class="outer"><div class="inner"><span>site alpha</span></div></div></html>',
  );
  assert.match(await (await get("/static-page")).text(), /<em>plain<\/em>/);
});

Deno.test("router: methods, HEAD and 405", async () => {
  const get = router([
    { file: "api/item.ts", module: { handler: { GET: text("got"), POST: text("posted") } } },
  ]);
  assert.equal(await (await get("/api/item", { method: "POST" })).text(), "posted");
  const head = await get("/api/item", { method: "HEAD" });
  assert.equal(head.status, 200);
  assert.equal(await head.text(), "");
  const del = await get("/api/item", { method: "DELETE" });
  assert.equal(del.status, 405);
  assert.equal(del.headers.get("allow"), "GET, POST, HEAD");
  assert.equal((await del.json()).error, "method_not_allowed");
});

Deno.test("router: two files serving the same URL are refused at start", () => {
  assert.throws(
    () =>
      router([
        { file: "(a)/x.ts", module: { handler: { GET: text("a") } } },
        { file: "x.ts", module: { handler: { GET: text("b") } } },
      ]),
    /both serve \/x/,
  );
});

Deno.test("islands: server render carries escaped props that cannot break out", async () => {
  const Counter = (props: { start: number; label: string }) =>
    h("b", null, `${props.label}:${props.start}`);
  registerIsland("TestCounter", Counter);
  const hostile = `</script><script>alert(1)</script>" onmouseover="x`;
  const get = router([
    {
      file: "index.tsx",
      module: { default: () => h("main", null, h(Counter, { start: 3, label: hostile })) },
    },
  ]);
  const html = await (await get("/")).text();
  assert.match(html, /<fresh-island data-island="TestCounter" data-props="[^"]*">/);
  assert.doesNotMatch(html, /<script>alert/);
  assert.doesNotMatch(html, /" onmouseover=/);
  const encoded = html.match(/data-props="([^"]*)"/)![1];
  const decoded = encoded.replaceAll("&quot;", '"').replaceAll("&lt;", "<").replaceAll("&gt;", ">")
    .replaceAll("&amp;", "&");
  assert.deepEqual(
    JSON.parse(decoded),
    { start: 3, label: hostile },
    "the client gets the exact props back",
  );
  assert.throws(() => serializeProps({ fn: () => 1 }), /JSON-serialisable/);
});
