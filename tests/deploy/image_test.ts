// The Docker image, without a Docker engine: the Dockerfile's steps executed into a directory
// tree (tests/deploy/_image.ts) from a clone of this repository with a developer's leftovers
// planted in it (.env, a database, node_modules, dist), then the image's CMD run as its user with
// its environment: /api/health answers, the HEALTHCHECK passes, a hit lands in the data volume
// with the country and the hosting network of its address (the bundled IP data), the admin CLI
// and the MCP stdio server work there. The tree holds the built app with the files of runtime
// packages the runtime reads (within a size bound), the compiled DENO_DIR, no Node.js, nothing
// .dockerignore excludes; /app belongs to the user.
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import {
  buildTree,
  canEmulate,
  enterArgs,
  hostPath,
  ids,
  removeWork,
  type StageTree,
} from "./_image.ts";
import { ROOT, run, runOk, startServer } from "./_run.ts";
import { initializeRequest, TOOL_NAMES } from "../_mcp.ts";

/** The page view the test sends to the image's server. */
const PATH = "/from-the-image";
/** Its client, as the trusted proxy (the test, on the loopback) names it: a Hetzner address in
 * Germany, so the country database and the hosting networks' IP→ASN data both answer. */
const CLIENT_IP = "5.9.1.1";
/** /app measured 44 MB (37 MB of it the bundled data files, which grow with each release of the
 * IP data); 115 MB before the runtime packages were pruned to the files the runtime reads. */
const MAX_APP_MB = 60;

/** Stored page views of `path` in a database file. */
function viewsOf(file: string, path: string): number {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    const row = db.prepare("SELECT count(*) AS n FROM visitor_views WHERE path = ?").get(path);
    return Number((row as { n: number }).n);
  } finally {
    db.close();
  }
}

/** The stored country and score signals of the view of `path`. */
function viewOf(
  file: string,
  path: string,
): { country: string | null; detail: Record<string, number> } {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    const row = db.prepare(
      "SELECT country_code, bot_score_detail FROM visitor_views WHERE path = ?",
    ).get(path) as { country_code: string | null; bot_score_detail: string | null };
    return { country: row.country_code, detail: JSON.parse(row.bot_score_detail ?? "{}") };
  } finally {
    db.close();
  }
}

async function exists(path: string): Promise<boolean> {
  return await Deno.lstat(path).then(() => true, () => false);
}

async function duMb(paths: string[]): Promise<number> {
  const out = await runOk("du", ["-sck", ...paths]);
  return Math.round(Number(out.trim().split("\n").pop()!.split(/\s+/)[0]) / 1024);
}

/** The app's modules compiled into the image's DENO_DIR (files under its gen/ for /app), but for
 * the HEALTHCHECK's `deno eval` code, compiled at its first run. */
async function appModulesCompiled(image: StageTree): Promise<string[]> {
  const out = await runOk("find", [hostPath(image, "/deno-dir/gen/file/app"), "-type", "f"]);
  return out.split("\n").filter((file) => file && !file.includes("$deno$eval")).sort();
}

/** This machine's way to the npm registry (its CA file), and its npm cache first. */
async function machineNpmEnv(): Promise<Record<string, string>> {
  const env: Record<string, string> = { npm_config_prefer_offline: "true" };
  const cafile = (await runOk("npm", ["config", "get", "cafile"])).trim();
  if (cafile && cafile !== "null" && cafile !== "undefined") env.npm_config_cafile = cafile;
  const extra = Deno.env.get("NODE_EXTRA_CA_CERTS");
  if (extra) env.NODE_EXTRA_CA_CERTS = extra;
  return env;
}

Deno.test({
  name: "image: the Dockerfile's tree runs as its user, serves, stores hits in its volume",
  ignore: !canEmulate(),
  sanitizeResources: false,
  async fn(t) {
    const work = await Deno.makeTempDir({ prefix: "echelon-image-" });
    const context = `${work}/context`;
    try {
      await runOk("git", ["clone", "--quiet", "--no-hardlinks", ROOT, context]);
      // What a developer's checkout holds and no image may: secrets, data, installs, builds.
      await Deno.writeTextFile(`${context}/.env`, "ECHELON_SECRET=planted-secret\n");
      await Deno.writeTextFile(`${context}/echelon.db`, "planted database");
      await Deno.mkdir(`${context}/node_modules/planted`, { recursive: true });
      await Deno.writeTextFile(`${context}/node_modules/planted/index.js`, "planted");
      await Deno.mkdir(`${context}/dist/planted`, { recursive: true });

      const started = performance.now();
      const stages = await buildTree(`${context}/Dockerfile`, context, `${work}/image`, {
        runEnv: await machineNpmEnv(),
      });
      console.log(`image tree built in ${Math.round((performance.now() - started) / 1000)} s`);
      const image = stages.at(-1)!;
      const app = hostPath(image, "/app");
      let compiledAtBuild: string[] = [];

      await t.step(
        "the tree: built app, runtime packages, compiled cache, no leftovers",
        async () => {
          assert.ok(await exists(`${app}/dist/tracker/ea.js`), "the tracker build");
          assert.ok(await exists(`${app}/dist/client/.vite/manifest.json`), "the client build");
          assert.ok(await exists(`${app}/node_modules/preact/package.json`), "runtime packages");
          for (const dev of ["vite", "tailwindcss", "esbuild", "playwright-core", "planted"]) {
            assert.ok(!await exists(`${app}/node_modules/${dev}`), `no ${dev} in node_modules`);
          }
          // What runtime packages hold and the runtime never reads: the MCP SDK's HTTP server
          // (express), the IP data in the formats not used, type declarations.
          for (const unread of ["express", "@ip-location-db/asn/asn-ipv4.csv", "zod/index.d.ts"]) {
            assert.ok(!await exists(`${app}/node_modules/${unread}`), `no ${unread}`);
          }
          for (const leftover of [".env", "echelon.db", ".git", "tests", "bench", "dist/planted"]) {
            assert.ok(!await exists(`${app}/${leftover}`), `no ${leftover} in /app`);
          }
          assert.ok(await exists(hostPath(image, "/usr/local/bin/deno")), "deno installed");
          compiledAtBuild = await appModulesCompiled(image);
          assert.ok(compiledAtBuild.length > 50, "the build stage's DENO_DIR was kept");
          const [uid] = await ids(image, image.user);
          assert.notEqual(uid, 0, "a non-root user");
          for (const owned of ["/app", "/app/data", "/deno-dir", "/app/main.ts"]) {
            assert.equal(
              (await Deno.stat(hostPath(image, owned))).uid,
              uid,
              `${owned} is the user's`,
            );
          }
          assert.deepEqual(image.volumes, ["/app/data"]);
          const appMb = await duMb([app]);
          const modulesMb = await duMb([`${app}/node_modules`]);
          const denoDirMb = await duMb([hostPath(image, "/deno-dir")]);
          const denoMb = await duMb([hostPath(image, "/usr/local/bin/deno")]);
          console.log(
            `runtime tree: /app ${appMb} MB (node_modules ${modulesMb} MB), ` +
              `/deno-dir ${denoDirMb} MB, deno ${denoMb} MB`,
          );
          assert.ok(appMb <= MAX_APP_MB, `/app is ${appMb} MB, over ${MAX_APP_MB} MB`);
        },
      );

      // This machine's rules: the loopback and a free port, instead of the image's 0.0.0.0:1947;
      // the test's requests come through the loopback as from a proxy.
      const env = {
        ECHELON_HOSTNAME: "127.0.0.1",
        ECHELON_PORT: "0",
        ECHELON_TRUST_PROXY: "127.0.0.1",
        NO_COLOR: "1",
      };
      const server = await startServer("unshare", await enterArgs(image, image.cmd!, { env }), {
        clearEnv: true,
        timeoutMs: 120_000,
      });
      let stopped = false;
      try {
        const port = new URL(server.baseUrl).port;
        await t.step("the HEALTHCHECK command passes as the user", async () => {
          const check = await run(
            "unshare",
            await enterArgs(image, image.healthcheck!, { env: { ECHELON_PORT: port } }),
            { clearEnv: true, timeoutMs: 60_000 },
          );
          assert.equal(check.code, 0, check.output);
        });
        await t.step(
          "a page view is stored in the data volume with its country and network",
          async () => {
            const params = new URLSearchParams({
              p: btoa(PATH),
              s: "image-test",
              sid: crypto.randomUUID(),
              _v: "1500",
              sw: "1920",
              sh: "1080",
            });
            const res = await fetch(`${server.baseUrl}/b.gif?${params}`, {
              headers: {
                "user-agent":
                  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
                "accept-language": "en-US,en;q=0.9",
                "sec-fetch-site": "cross-site",
                "x-forwarded-for": CLIENT_IP,
              },
            });
            assert.equal(res.status, 200);
            assert.equal(res.headers.get("x-echelon-drop"), null);
            await res.body?.cancel();
            const status = await server.stop();
            stopped = true;
            assert.equal(status.code, 0, server.log());
            assert.equal(viewsOf(`${app}/data/echelon.db`, PATH), 1, "the view is in the volume");
            const view = viewOf(`${app}/data/echelon.db`, PATH);
            assert.equal(view.country, "DE", "the country database answered");
            assert.equal(view.detail.hosting, 15, "the hosting networks' IP→ASN data answered");
            const [uid] = await ids(image, image.user);
            assert.equal((await Deno.stat(`${app}/data/echelon.db`)).uid, uid);
          },
        );
      } finally {
        if (!stopped) await server.stop();
      }

      const tasks = JSON.parse(await Deno.readTextFile(`${app}/deno.json`)).tasks ?? {};
      await t.step({
        name: "the admin CLI works in the image (deno task admin backup)",
        // The admin CLI comes with another change of issue 15; until it is merged this is skipped.
        ignore: !("admin" in tasks),
        async fn() {
          const out = await run(
            "unshare",
            await enterArgs(image, ["deno", "task", "admin", "backup", "/app/data/backup.db"]),
            { clearEnv: true, timeoutMs: 120_000 },
          );
          assert.equal(out.code, 0, out.output);
          assert.equal(viewsOf(`${app}/data/backup.db`, PATH), 1, "the backup holds the view");
        },
      });

      await t.step("the MCP stdio server answers initialize and tools/list", async () => {
        const requests = [
          initializeRequest("image-test"),
          { jsonrpc: "2.0", method: "notifications/initialized" },
          { jsonrpc: "2.0", id: 2, method: "tools/list" },
        ];
        const out = await run(
          "unshare",
          await enterArgs(image, ["deno", "task", "mcp"], {
            env: { ECHELON_URL: "http://127.0.0.1:1" },
          }),
          {
            clearEnv: true,
            timeoutMs: 120_000,
            stdin: requests.map((r) => JSON.stringify(r)).join("\n") + "\n",
          },
        );
        assert.equal(out.code, 0, out.output);
        const answers = out.output.split("\n").filter((l) => l.startsWith("{"))
          .map((l) => JSON.parse(l));
        const tools: { name: string }[] = answers.find((a) => a.id === 2)?.result?.tools ?? [];
        assert.deepEqual(tools.map((tool) => tool.name).sort(), TOOL_NAMES, out.output);
      });

      await t.step("nothing of the app was compiled at run time: DENO_DIR had it all", async () => {
        const compiled = await appModulesCompiled(image);
        const late = compiled.filter((file) => !compiledAtBuild.includes(file));
        assert.deepEqual(
          late,
          [],
          "compiled at run time, missing from the Dockerfile's deno cache",
        );
      });
    } finally {
      await removeWork(work);
    }
  },
});
