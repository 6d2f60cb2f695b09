// A fresh clone of this repository (its committed HEAD) stays clean: the build's install step,
// a `task start` until /api/health answers, and the test task's install and build steps again
// leave `git status --porcelain` empty (no rewritten lock, no database or build output that
// .gitignore misses). The second install finds node_modules matching the lock and skips npm ci.
// Uses the machine's npm cache (prefer-offline).
import assert from "node:assert/strict";
import { DENO, ROOT, runOk, startServer } from "./_run.ts";

Deno.test({
  name: "clean tree: a fresh clone is unchanged after build, task start and the test's install",
  sanitizeResources: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "echelon-clean-" });
    const repo = `${dir}/repo`;
    try {
      await runOk("git", ["clone", "--quiet", "--no-hardlinks", ROOT, repo]);
      const env = {
        NO_COLOR: "1",
        DENO_NO_UPDATE_CHECK: "1",
        npm_config_prefer_offline: "true",
        ECHELON_PORT: "0",
        ECHELON_HOSTNAME: "127.0.0.1",
      };
      const first = await runOk(DENO, ["task", "build"], { cwd: repo, env, timeoutMs: 480_000 });
      assert.match(first, /npm ci \(node_modules has no record of an install/, first);
      await Deno.stat(`${repo}/dist`);

      const server = await startServer(DENO, ["task", "start"], {
        cwd: repo,
        env,
        timeoutMs: 240_000,
      });
      const hit = await fetch(`${server.baseUrl}/api/health`);
      assert.equal(hit.status, 200);
      await hit.body?.cancel();
      const status = await server.stop();
      assert.equal(status.code, 0, server.log());
      assert.doesNotMatch(server.log(), /npm ci/, "start found node_modules matching the lock");
      // The app's data went where a default start puts it: the checkout (and .gitignore covers it).
      await Deno.stat(`${repo}/echelon.db`);

      // `task test` depends on build, which depends on deps: its install step, without the suite.
      const again = await runOk(DENO, ["task", "build"], { cwd: repo, env, timeoutMs: 240_000 });
      assert.doesNotMatch(again, /npm ci/, again);
      const check = await runOk(DENO, ["run", "-A", "scripts/deps.ts", "--check"], { cwd: repo });
      assert.equal(check, "");

      const porcelain = await runOk("git", ["status", "--porcelain", "--ignored=no"], {
        cwd: repo,
      });
      assert.equal(porcelain, "", `the clone changed:\n${porcelain}`);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
