// Public mode shows aggregates only (issue 13 item 6; docs/architecture.md, "Reliability and
// security"). A public instance whose database holds visitors, an exclusion label, site settings,
// the debug switch, an API key, a session and raw event data (tests/_public_fixture.ts) is walked
// anonymously: every GET route of the router (each parameter filled with every id the fixture has),
// so every admin page, API read and CSV export, and every MCP tool over /mcp and over `deno task
// mcp`'s stdio server. No answer may carry a 16-hex id, a secret of the fixture, the time of a
// stored row or a per-row field. The control walks the same with credentials and must find every
// kind of secret, so the walk can fail.
import assert from "node:assert/strict";
import { QUERY_PATH } from "../lib/api/operations/query.ts";
import { FUNNEL_PATH } from "../lib/api/operations/funnels.ts";
import { JOURNEYS_PATH } from "../lib/api/operations/journeys.ts";
import { OPENAPI_PATH } from "../lib/api/mod.ts";
import { TRACKING_PATHS } from "../lib/cors.ts";
import { NOT_PUBLIC, PUBLIC_ADMIN_PAGES, PUBLIC_API } from "../lib/public/mod.ts";
import { serveTestApp, TEST_ORIGIN, type TestApp } from "./_helpers.ts";
import { Client, resultText, StdioClientTransport, StreamableHTTPClientTransport } from "./_mcp.ts";
import {
  BEARER,
  FIXTURE_SECRET,
  type SecretFixture,
  secretFixture,
  type Secrets,
} from "./_public_fixture.ts";
import { listRoutes, pathOf, type RouteInfo } from "./fuzz/_routes.ts";

/** What a response of the walk said, and what its request sent (a response may repeat that). */
interface Probe {
  what: string;
  route: string;
  status: number;
  text: string;
  sent: string[];
}

/** Fields of per-row records, settings and keys, wherever they appear in JSON. */
const ROW_FIELDS =
  /"(visitor_id|session_id|first_seen|last_seen|label|excluded_at|consent_css|query_allowlist|send_form_values|debug|prefix|last_used_at|bot_score_detail|detail)"\s*:/g;
/** The debug switch as a page shows it (a heading or a label), on or off. */
const DEBUG_SWITCH = />\s*Debug(?: mode)?\s*</;
const PAGE_REFUSAL = "is not available on a public read-only instance";
const HEX_ID = /(?<![0-9a-fA-F])[0-9a-f]{16}(?![0-9a-fA-F])/g;

/** Every secret a response gives away, by kind (`kind: where`). */
function leaks(probe: Probe, secrets: Secrets): string[] {
  let text = probe.text;
  // A refusal may name what the caller asked for: that gives nothing away.
  for (const value of probe.sent) if (value.length >= 8) text = text.replaceAll(value, "");
  const found: string[] = [];
  for (const match of new Set(text.match(HEX_ID))) found.push(`16-hex id ${match}`);
  for (const [kind, marker] of Object.entries(secrets.markers)) {
    if (text.includes(marker)) found.push(kind);
  }
  for (const visitor of secrets.visitors) {
    if (text.includes(visitor.slice(0, 8))) found.push(`shortened visitor id ${visitor}`);
  }
  // The OpenAPI document names every field of the API by design; it holds no value of them.
  const names = probe.route === OPENAPI_PATH ? "" : text;
  if (DEBUG_SWITCH.test(names)) found.push("debug switch");
  for (const match of new Set([...names.matchAll(ROW_FIELDS)].map((m) => m[1]))) {
    found.push(`field ${match}`);
  }
  return found.map((kind) => `${kind}: ${probe.what} (${probe.status})`);
}

const isAdmin = (r: RouteInfo) => r.pattern === "/admin" || r.pattern.startsWith("/admin/");

/**
 * Every GET route but the tracking endpoints (the tracker, pixel and challenge serve each site's
 * own collection settings to its visitors by design), with each parameter filled with every id
 * of the fixture, without and with a query naming them. Redirects are not followed.
 */
async function walkRoutes(
  app: TestApp,
  secrets: Secrets,
  headers: Record<string, string>,
): Promise<Probe[]> {
  const routes = (await listRoutes()).filter((r) =>
    r.methods.includes("GET") && !TRACKING_PATHS.has(r.pattern)
  );
  const query = new URLSearchParams(secrets.query).toString();
  const probes: Probe[] = [];
  for (const route of routes) {
    for (const id of route.paramNames.length ? secrets.ids : [""]) {
      for (const search of ["", `?${query}`]) {
        const path = pathOf(route, () => id) + search;
        const res = await app.request(path, {
          headers: { accept: isAdmin(route) ? "text/html" : "*/*", ...headers },
          redirect: "manual",
        });
        const text = `${res.headers.get("location") ?? ""}\n${await res.text()}`;
        probes.push({
          what: `GET ${path}`,
          route: route.pattern,
          status: res.status,
          text,
          sent: [id, ...Object.values(secrets.query)],
        });
      }
    }
  }
  return probes;
}

/** The values to call each tool with, by parameter name (the fixture's records). */
function toolArguments(secrets: Secrets, schema: { properties?: object; required?: string[] }) {
  const values: Record<string, unknown> = {
    site_id: secrets.query.site_id,
    campaign_id: secrets.query.campaign_id,
    experiment_id: secrets.query.experiment_id,
    days: 30,
    min_score: 0,
    // The query tool (POST /api/v2/query's body).
    metrics: ["visitors", "pageviews"],
    date_range: "30d",
    // The journeys tool (POST /api/v2/journeys's body).
    page: "/",
  };
  const args: Record<string, unknown> = {};
  for (const name of Object.keys(schema.properties ?? {})) {
    if (name in values) args[name] = values[name];
  }
  for (const name of schema.required ?? []) {
    assert.ok(name in args, `no fixture value for the required tool parameter ${name}`);
  }
  return args;
}

/** Every tool the server lists, called once with the fixture's records. */
async function walkTools(client: Client, secrets: Secrets, via: string): Promise<Probe[]> {
  const { tools } = await client.listTools();
  assert.ok(tools.length >= 13, tools.map((t) => t.name).join(" "));
  const probes: Probe[] = [];
  for (const tool of tools) {
    const args = toolArguments(secrets, tool.inputSchema);
    const result = await client.callTool({ name: tool.name, arguments: args });
    probes.push({
      what: `${via} ${tool.name}(${JSON.stringify(args)})`,
      route: tool.name,
      status: result.isError ? 400 : 200,
      text: resultText(result),
      sent: Object.values(args).map(String),
    });
  }
  await client.close();
  return probes;
}

async function mcpOverHttp(app: TestApp, authorization?: string): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL("/mcp", TEST_ORIGIN), {
    requestInit: authorization ? { headers: { authorization } } : undefined,
    fetch: (url, init) => app.request(String(url), init),
  });
  const client = new Client({ name: "public-mode-test", version: "1.0.0" });
  await client.connect(transport);
  return client;
}

async function mcpOverStdio(baseUrl: string, env: Record<string, string> = {}): Promise<Client> {
  const root = new URL("../", import.meta.url).pathname;
  const transport = new StdioClientTransport({
    command: Deno.execPath(),
    args: ["run", "-A", `${root}mcp/stdio.ts`],
    cwd: root,
    env: { NO_COLOR: "1", PATH: Deno.env.get("PATH") ?? "", ECHELON_URL: baseUrl, ...env },
    stderr: "pipe",
  });
  const client = new Client({ name: "public-mode-test", version: "1.0.0" });
  await client.connect(transport);
  return client;
}

/** Runs `test` on a fresh fixture and removes its database afterwards. */
async function withFixture(test: (fixture: SecretFixture) => Promise<void>): Promise<void> {
  const fixture = await secretFixture();
  try {
    await test(fixture);
  } finally {
    await fixture.close();
  }
}

Deno.test({
  name: "public mode: no route, page, export or MCP tool shows an id, label, setting or row",
  sanitizeResources: false,
  fn: (t) =>
    withFixture(async ({ open, secrets }) => {
      const pub = await open();
      const served = serveTestApp(pub);
      let probes: Probe[];
      try {
        probes = [
          ...await walkRoutes(pub, secrets, {}),
          ...await walkTools(await mcpOverHttp(pub), secrets, "/mcp"),
          ...await walkTools(await mcpOverStdio(served.baseUrl), secrets, "stdio"),
        ];
      } finally {
        await served.close();
      }

      await t.step("no answer gives a secret away", () => {
        const found = probes.flatMap((probe) => leaks(probe, secrets));
        assert.deepEqual(found, [], `public mode leaks:\n${found.join("\n")}`);
      });

      await t.step("every listed route and every tool answers; the rest is refused", () => {
        const listed = new Set([
          ...Object.keys(PUBLIC_API),
          ...Object.keys(PUBLIC_ADMIN_PAGES),
          OPENAPI_PATH,
        ]);
        const answered = new Set(probes.filter((p) => p.status < 400).map((p) => p.route));
        for (const route of listed) {
          assert.ok(answered.has(route), `${route} never answered in public mode`);
        }
        for (const probe of probes.filter((p) => !p.route.startsWith("/"))) {
          // The query, funnel and journeys tools are read-only POSTs, which public mode does not
          // list: refused alike.
          const posted = ({
            query: QUERY_PATH,
            funnel: FUNNEL_PATH,
            journeys: JOURNEYS_PATH,
          } as Record<string, string>)[probe.route];
          if (posted && !(posted in PUBLIC_API)) {
            assert.ok(probe.text.includes(`API 403 ${NOT_PUBLIC}`), probe.what);
            continue;
          }
          assert.equal(probe.status, 200, `${probe.what}: ${probe.text.slice(0, 300)}`);
        }
        const unlisted = probes.filter((p) =>
          /^\/(api|admin)(\/|$)/.test(p.route) && !listed.has(p.route)
        );
        assert.ok(unlisted.length > 100, `${unlisted.length} refusals checked`);
        for (const probe of unlisted) {
          assert.equal(probe.status, 403, probe.what);
          assert.ok(
            probe.text.includes(NOT_PUBLIC) || probe.text.includes(PAGE_REFUSAL),
            probe.what,
          );
        }
      });

      await t.step(
        "the links of public pages lead to pages a public visitor may open",
        async () => {
          const links = new Set<string>();
          for (const page of probes.filter((p) => p.status === 200 && p.what.startsWith("GET /"))) {
            for (const [, href] of page.text.matchAll(/href="(\/(?:admin|api)[^"#]*)"/g)) {
              links.add(href.replaceAll("&amp;", "&"));
            }
          }
          assert.ok(links.size > 20, [...links].join(" "));
          for (const link of links) {
            const res = await pub.request(link, { redirect: "manual" });
            await res.body?.cancel();
            assert.ok(res.status < 400, `${link}: ${res.status}`);
          }
        },
      );
    }),
});

Deno.test({
  name: "public mode control: with credentials the same walk sees every kind of secret",
  sanitizeResources: false,
  fn: () =>
    withFixture(async ({ owner, open, secrets }) => {
      // The private instance that seeded the data, signed in and with the bearer token.
      const ownerProbes = [
        ...await walkRoutes(owner, secrets, { cookie: owner.cookie, ...BEARER }),
        ...await walkTools(await mcpOverHttp(owner, BEARER.authorization), secrets, "/mcp"),
      ];
      const kinds = (probes: Probe[]) =>
        new Set(probes.flatMap((p) => leaks(p, secrets)).map((l) => l.split(/ [0-9a-f]{16}|:/)[0]));
      const seen = kinds(ownerProbes);
      const expected = [
        "16-hex id",
        "exclusion label",
        "consent CSS setting",
        "query allow-list setting",
        "API key name",
        "API key prefix",
        "session id",
        "raw event data",
        "perf metadata",
        "field visitor_id",
        "field debug",
        "debug switch",
        "field label",
        "shortened visitor id",
      ];
      for (const kind of expected) assert.ok(seen.has(kind), `the control never saw ${kind}`);
      assert.ok(
        [...seen].some((k) => k.startsWith("the time of one stored row")),
        [...seen].join(),
      );

      // A public instance: the owner's bearer token (or a read key) still reads everything, over
      // the API, /mcp and the stdio server; only anonymous callers get the public view.
      const pub = await open();
      const served = serveTestApp(pub);
      try {
        const apiOnly = (await walkRoutes(pub, secrets, BEARER)).filter((p) =>
          p.route.startsWith("/api/")
        );
        const credentialed = [
          ...apiOnly,
          ...await walkTools(await mcpOverHttp(pub, BEARER.authorization), secrets, "/mcp"),
          ...await walkTools(
            await mcpOverStdio(served.baseUrl, { ECHELON_SECRET: FIXTURE_SECRET }),
            secrets,
            "stdio",
          ),
        ];
        const publicSeen = kinds(credentialed);
        for (const kind of ["16-hex id", "exclusion label", "consent CSS setting", "field debug"]) {
          assert.ok(publicSeen.has(kind), `a credentialed public-mode read never saw ${kind}`);
        }
        const stdioSuspicious = credentialed.find((p) => p.what.startsWith("stdio bot_report"));
        assert.match(stdioSuspicious?.text ?? "", /"visitor_id"/);
      } finally {
        await served.close();
      }
    }),
});
