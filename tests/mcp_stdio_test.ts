// `deno task mcp` end to end: the SDK's Client spawns mcp/stdio.ts, which talks to a real server
// process (tests/_process.ts) through a recording proxy — tools listed, tools answering with the
// stored figures, a refused key as a tool error, and every request it sent a GET of /api/*. The
// first client runs the command of confs/mcp.example.json (the README's snippet) from `/`, as an
// MCP client that ignores `cwd` would.
import assert from "node:assert/strict";
import { insertViews } from "../lib/db/collect.ts";
import { openDatabase } from "../lib/db/mod.ts";
import { loadStdioConfig } from "../mcp/stdio.ts";
import { Client, resultData, resultText, StdioClientTransport, TOOL_NAMES } from "./_mcp.ts";
import { spawnServer } from "./_process.ts";
import { view } from "./_stats_fixture.ts";
import { TEST_SECRET } from "./_helpers.ts";

const SECRET = TEST_SECRET;
const STDIO = new URL("../mcp/stdio.ts", import.meta.url).pathname;
const ROOT = new URL("../", import.meta.url).pathname;
const EXAMPLE = new URL("../confs/mcp.example.json", import.meta.url);
const README = new URL("../README.md", import.meta.url);
/** What the example says where the user writes the checkout's path. */
const PLACEHOLDER = "/path/to/echelon-analytics";
/** How the README runs Deno; the test runs the same Deno directly. */
const NPX_DENO = ["npx", "-y", "deno@2.9.6"];

interface McpServerEntry {
  command: string;
  args: string[];
  env: Record<string, string>;
}

/** The example's one server, with this checkout's path in place of the placeholder. */
async function exampleEntry(): Promise<McpServerEntry> {
  const text = (await Deno.readTextFile(EXAMPLE)).replaceAll(PLACEHOLDER, ROOT.replace(/\/$/, ""));
  const servers = Object.values(JSON.parse(text).mcpServers) as McpServerEntry[];
  assert.equal(servers.length, 1);
  return servers[0];
}

/** A pass-through proxy in front of the server that records every request's method and path. */
function recordingProxy(target: string) {
  const seen: string[] = [];
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, (req) => {
    const url = new URL(req.url);
    seen.push(`${req.method} ${url.pathname}`);
    const { method, headers, body } = req;
    return fetch(target + url.pathname + url.search, { method, headers, body });
  });
  return {
    url: `http://127.0.0.1:${(server.addr as Deno.NetAddr).port}`,
    seen,
    close: () => server.shutdown(),
  };
}

/** `deno task mcp`'s own arguments (its permissions), to run it the way users do. */
async function taskArgs(): Promise<string[]> {
  const config = JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`));
  const [deno, ...args] = (config.tasks.mcp as string).split(/\s+/);
  assert.equal(deno, "deno");
  return args;
}

async function stdioClient(
  env: Record<string, string>,
  args = ["run", "-A", STDIO],
  cwd = ROOT,
): Promise<Client> {
  const transport = new StdioClientTransport({
    command: Deno.execPath(),
    args,
    cwd,
    env: { NO_COLOR: "1", PATH: Deno.env.get("PATH") ?? "", ...env },
    stderr: "pipe",
  });
  const client = new Client({ name: "echelon-stdio-test", version: "1.0.0" });
  await client.connect(transport);
  return client;
}

Deno.test("mcp stdio: lists the tools and answers from a running instance, GETs and the read-only query POST only", async () => {
  const dir = await Deno.makeTempDir();
  const dbPath = `${dir}/echelon.db`;
  // Three human views a minute or two ago and a bot's, stored before the server starts.
  const db = openDatabase(dbPath);
  const ago = (seconds: number) => new Date(Date.now() - seconds * 1000).toISOString();
  insertViews(db, [
    view({ site_id: "docs", visitor_id: "a", session_id: "sa", path: "/", created_at: ago(60) }),
    view({ site_id: "docs", visitor_id: "a", session_id: "sa", path: "/api", created_at: ago(50) }),
    view({ site_id: "docs", visitor_id: "b", session_id: "sb", path: "/", created_at: ago(90) }),
    view({ site_id: "docs", visitor_id: "z", path: "/", bot_score: 90, created_at: ago(70) }),
  ]);
  db.run("INSERT INTO sites (site_id, name, source) VALUES ('docs', 'Docs', 'admin')");
  db.close();

  const server = await spawnServer({ ECHELON_DB_PATH: dbPath, ECHELON_SECRET: SECRET });
  const proxy = recordingProxy(server.baseUrl);
  const clients: Client[] = [];
  try {
    const minted = await fetch(`${server.baseUrl}/api/keys`, {
      method: "POST",
      headers: { authorization: `Bearer ${SECRET}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "stdio", scope: "read" }),
    });
    assert.equal(minted.status, 201);
    const { key } = await minted.json();

    // The example's command and variables, run from `/` (its npx prefix is this same Deno).
    const entry = await exampleEntry();
    assert.deepEqual([entry.command, ...entry.args.slice(0, 2)], NPX_DENO);
    assert.deepEqual(Object.keys(entry.env).sort(), ["ECHELON_API_KEY", "ECHELON_URL"]);
    const client = await stdioClient(
      { ECHELON_URL: proxy.url, ECHELON_API_KEY: key },
      entry.args.slice(2),
      "/",
    );
    clients.push(client);
    assert.equal(client.getServerVersion()?.name, "echelon-analytics");
    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((tool) => tool.name).sort(), TOOL_NAMES);

    const sites = resultData(await client.callTool({ name: "list_sites", arguments: {} }));
    assert.deepEqual(
      sites.data.map((s: Record<string, unknown>) => [s.site_id, s.name, s.views_30d]),
      [["docs", "Docs", 3]],
    );
    assert.equal(sites.summary, "1 site: docs (3 views in 30 days)");

    const overview = resultData(
      await client.callTool({
        name: "analytics_overview",
        arguments: { site_id: "docs", days: 2 },
      }),
    );
    assert.deepEqual(
      [overview.data.visits, overview.data.unique_visitors, overview.data.sessions],
      [3, 2, 2],
    );
    assert.deepEqual(overview.data.top_paths[0], { path: "/", views: 2, visitors: 2 });

    const realtime = resultData(
      await client.callTool({ name: "analytics_realtime", arguments: { site_id: "docs" } }),
    );
    assert.deepEqual([realtime.data.active_visitors, realtime.data.pageviews], [2, 3]);

    const query = resultData(
      await client.callTool({
        name: "query",
        arguments: {
          site_id: "docs",
          metrics: ["pageviews", "visitors"],
          date_range: "7d",
          dimensions: ["event:page"],
          bots: "show",
        },
      }),
    );
    // The bot's view counts too with bots "show": "/" has a's, b's and z's.
    assert.deepEqual(query.data.results, [
      { dimensions: ["/"], metrics: [3, 3] },
      { dimensions: ["/api"], metrics: [1, 1] },
    ]);

    const refused = await client.callTool({
      name: "analytics_overview",
      arguments: { site_id: "docs", from: "2026-01-02", to: "2026-01-01" },
    });
    assert.equal(refused.isError, true);
    assert.match(resultText(refused), /API 400 invalid_param: from: 2026-01-02 is after to/);

    // A wrong key: each call is a tool error with the API's answer; nothing crashes. (Started
    // with the task's own permissions: they suffice.)
    const wrong = await stdioClient(
      { ECHELON_URL: proxy.url, ECHELON_API_KEY: `ek_r_${"A".repeat(43)}` },
      await taskArgs(),
    );
    clients.push(wrong);
    const denied = await wrong.callTool({ name: "list_sites", arguments: {} });
    assert.equal(denied.isError, true);
    assert.match(resultText(denied), /API 401 invalid_api_key: Unknown or malformed API key/);
    const again = await wrong.callTool({ name: "analytics_realtime", arguments: { site_id: "x" } });
    assert.equal(again.isError, true, "still answering after an error");

    assert.ok(proxy.seen.length >= 6, proxy.seen.join("\n"));
    for (const request of proxy.seen) {
      assert.match(request, /^(GET \/api\/|POST \/api\/v2\/query$)/);
    }
    assert.ok(proxy.seen.includes("POST /api/v2/query"));
  } finally {
    for (const client of clients) await client.close();
    await proxy.close();
    await server.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("mcp stdio: configuration is read once and refused with the variable's name", () => {
  assert.throws(() => loadStdioConfig({}), /ECHELON_URL is required/);
  assert.throws(() => loadStdioConfig({ ECHELON_URL: "not a url" }), /ECHELON_URL: "not a url"/);
  assert.throws(() => loadStdioConfig({ ECHELON_URL: "ftp://host" }), /http\(s\)/);
  assert.deepEqual(loadStdioConfig({ ECHELON_URL: "https://stats.example/echelon/" }), {
    baseUrl: "https://stats.example/echelon",
    token: null,
  });
  assert.deepEqual(
    loadStdioConfig({
      ECHELON_URL: "http://localhost:1947",
      ECHELON_API_KEY: " ek_r_x ",
      ECHELON_SECRET: "s",
    }),
    { baseUrl: "http://localhost:1947", token: "ek_r_x" },
    "the API key wins over the secret",
  );
  assert.equal(
    loadStdioConfig({ ECHELON_URL: "http://localhost:1947", ECHELON_SECRET: "s" }).token,
    "s",
  );
});

Deno.test("mcp stdio: the README's configuration is confs/mcp.example.json, with absolute paths", async () => {
  const readme = await Deno.readTextFile(README);
  const section = readme.slice(readme.indexOf("\n## AI assistants (MCP)\n"));
  const block = /```json\n([\s\S]*?)\n```/.exec(section);
  assert.ok(block, "a JSON block in the MCP section");
  const example = await Deno.readTextFile(EXAMPLE);
  assert.deepEqual(JSON.parse(block[1]), JSON.parse(example));
  const entry = await exampleEntry();
  assert.equal("cwd" in entry, false, "no cwd: some clients ignore it");
  const paths = entry.args.filter((arg) => arg.includes("/"));
  assert.deepEqual(paths, [`${ROOT}deno.json`, STDIO], "the config and the entry, absolute");
  for (const path of paths) await Deno.stat(path);
});
