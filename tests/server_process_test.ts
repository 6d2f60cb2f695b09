// The real process: boot, serve, and shut down gracefully on SIGTERM and SIGINT.
import assert from "node:assert/strict";
import { runToExit, spawnServer } from "./_process.ts";

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  Deno.test(`process: serves health, then ${signal} stops it cleanly`, async () => {
    const dir = await Deno.makeTempDir();
    const server = await spawnServer({ ECHELON_DB_PATH: `${dir}/p.db` });
    const res = await fetch(`${server.baseUrl}/api/health`);
    assert.equal(res.status, 200);
    assert.equal((await res.json()).status, "ok");
    const started = Date.now();
    const status = await server.stop(signal);
    assert.equal(status.code, 0, server.log());
    assert.ok(Date.now() - started < 5000, "shutdown is prompt");
    assert.match(server.log(), new RegExp(`${signal}: stopping[\\s\\S]*stopped`));
    await Deno.remove(dir, { recursive: true });
  });
}

Deno.test("process: a bad variable stops boot and names it", async () => {
  const { code, output } = await runToExit({
    ECHELON_PORT: "not-a-port",
    ECHELON_DB_PATH: ":memory:",
  });
  assert.equal(code, 2);
  assert.match(
    output,
    /Invalid configuration: ECHELON_PORT: expected an integer, got "not-a-port"/,
  );
});
