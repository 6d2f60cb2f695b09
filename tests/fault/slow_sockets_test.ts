// Slow and idle connections against a real process (issue 13, item 2): the server runs at
// `ulimit -n 1024` and faces 10,000 slowloris sockets that never finish their headers, from 40
// source addresses or from one, while /b.gif is loaded from 127.0.0.1. The header timeout is set
// far beyond the test, so only the connection caps stand between the sockets and EMFILE. It must
// stay up, answer every hit (and store every answered one), keep its connections within the cap,
// and serve normally once the sockets go. A third case sets the cap above the descriptor limit,
// so accept() itself fails with EMFILE: the accept loop must survive that and recover.
// Before the connection layer, Deno.serve's accept loop died on EMFILE and the process exited
// ("Uncaught (in promise) Http: Error: Too many open files").
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { spawnServer } from "../_process.ts";
import { type LoadReport, percentile, steadyLoad } from "./_load.ts";
import { openSlowSockets } from "./_slow_sockets.ts";

const SITE = "slow-sockets-test";
const FD_LIMIT = 1024;
const RATE_PER_SEC = 200;

interface Connections {
  open: number;
  waiting_for_request: number;
  max_connections: number;
  max_connections_per_client: number;
  refused_per_client: number;
  refused_at_capacity: number;
  evicted: number;
  accept_errors: number;
}

/** The server's connection figures, asked on a connection of its own that is closed after (a
 * shared pool may keep a spare connection without a request, which the server counts as waiting
 * for one). */
async function connections(baseUrl: string): Promise<Connections> {
  const client = Deno.createHttpClient({});
  try {
    const res = await fetch(`${baseUrl}/api/health`, { client });
    assert.equal(res.status, 200);
    return (await res.json()).connections;
  } finally {
    client.close();
  }
}

async function until(
  check: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
  last: () => unknown = () => "",
) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) {
      throw new Error(`${what}: not within ${timeoutMs} ms ${JSON.stringify(last())}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

const latency = (report: LoadReport, p: number) =>
  Math.round(percentile(report.answers.map((a) => a.latencyMs), p) * 10) / 10;

interface Attack {
  name: string;
  sockets: number;
  sources: string[];
  env?: Record<string, string>;
  /** What the server must have logged. */
  logged?: RegExp;
  /** What the server's figures must show while the sockets are held. */
  check(held: Connections, slowOpen: number): void;
}

async function survives(attack: Attack) {
  const dir = await Deno.makeTempDir();
  const dbPath = `${dir}/slow.db`;
  const server = await spawnServer(
    {
      ECHELON_DB_PATH: dbPath,
      ECHELON_RATE_LIMIT_MAX: "0",
      ECHELON_VIEW_FLUSH_MS: "200",
      ECHELON_HEADER_TIMEOUT_MS: "600000",
      ...attack.env,
    },
    20_000,
    { openFileLimit: FD_LIMIT },
  );
  let exited = false;
  server.child.status.then(() => exited = true);
  const load = (prefix: string, durationMs: number) =>
    steadyLoad({
      baseUrl: server.baseUrl,
      site: SITE,
      prefix,
      ratePerSec: RATE_PER_SEC,
      durationMs,
    });
  try {
    const warmup = await load("warmup", 1000);
    const quiet = await load("quiet", 3000);
    const during = load("attack", 12_000);
    const slow = await openSlowSockets({
      port: server.port,
      count: attack.sockets,
      sources: attack.sources,
    });
    const died = () => `the server died:\n${server.log().slice(-1500)}`;
    const figures = () => connections(server.baseUrl).catch(() => assert.fail(died()));
    // The server works through the sockets the kernel queued for it: poll until its figures
    // show the attack handled, then check them (the check names what is missing).
    const handled = (held: Connections) => {
      try {
        attack.check(held, slow.open());
        return true;
      } catch {
        return false;
      }
    };
    let held = await figures();
    for (const deadline = Date.now() + 15_000; !handled(held) && Date.now() < deadline;) {
      await new Promise((r) => setTimeout(r, 200));
      held = await figures();
    }
    attack.check(held, slow.open());
    const slowOpen = slow.open();
    const attacked = await during;
    assert.equal(exited, false, died());
    assert.ok(held.open <= held.max_connections, `open ${held.open} > ${held.max_connections}`);

    await slow.close();
    // Every slow socket's connection is gone (what stays open is the load's keep-alive pool).
    let seen: Connections | null = null;
    const recovered = async () =>
      (seen = await connections(server.baseUrl)).waiting_for_request === 0;
    await until(recovered, 15_000, "recovery", () => seen);
    const after = await load("after", 2000);
    if (held.accept_errors > 0) {
      const logged = () => Promise.resolve(/accept recovered: /.test(server.log()));
      await until(logged, 10_000, "the end of the accept failures is logged");
    }

    const status = await server.stop("SIGTERM");
    assert.equal(status.code, 0, server.log().slice(-2000));
    for (const [name, report] of Object.entries({ warmup, quiet, attacked, after })) {
      assert.equal(report.failed, 0, `${name}: a hit from 127.0.0.1 was not answered`);
    }
    const answers = [warmup, quiet, attacked, after].flatMap((report) => report.answers);
    const accepted = new Set(answers.filter((a) => !a.drop).map((a) => a.path));
    const db = new DatabaseSync(dbPath, { readOnly: true });
    let stored: string[];
    try {
      stored = db.prepare("SELECT path FROM visitor_views WHERE site_id = ?").all(SITE)
        .map((row) => String(row.path));
    } finally {
      db.close();
    }
    assert.ok(attacked.answers.length >= RATE_PER_SEC * 5, "hits were answered during the attack");
    assert.deepEqual([...accepted].filter((p) => !stored.includes(p)), [], "answered hits lost");
    assert.equal(stored.length, accepted.size);
    const log = server.log();
    if (attack.logged) assert.match(log, attack.logged);
    const acceptLogLines = log.match(/accept failed, retrying/g)?.length ?? 0;
    // Logged once per burst of failures, not per failure.
    assert.ok(acceptLogLines <= Math.max(1, held.accept_errors / 2), `${acceptLogLines} lines`);
    assert.equal(acceptLogLines, log.match(/accept recovered: /g)?.length ?? 0);
    console.log(JSON.stringify({
      case: attack.name,
      accept_failure_log_lines: acceptLogLines,
      slow_sockets_opened: slow.opened,
      slow_failed_to_connect: slow.failedToConnect,
      slow_open_while_held: slowOpen,
      slow_closed_by_server: slow.closedByServer(),
      slow_answered_503: slow.refusedWith503(),
      server_while_held: held,
      hits_answered: answers.length,
      hits_stored: stored.length,
      b_gif_ms: {
        quiet: { p50: latency(quiet, 50), p99: latency(quiet, 99) },
        attack: { p50: latency(attacked, 50), p99: latency(attacked, 99) },
        after: { p50: latency(after, 50), p99: latency(after, 99) },
      },
    }));
  } finally {
    if (!exited) await server.stop("SIGKILL").catch(() => {});
    await Deno.remove(dir, { recursive: true });
  }
}

const addresses = (n: number) => Array.from({ length: n }, (_, i) => `127.0.0.${i + 2}`);

Deno.test("fault: 10,000 slow sockets from 40 addresses at ulimit -n 1024", async () => {
  await survives({
    name: "40 addresses",
    sockets: 10_000,
    sources: addresses(40),
    check(held, slowOpen) {
      // 250 per address is within the per-client cap: the total cap holds, by eviction.
      assert.equal(held.refused_per_client, 0);
      assert.ok(held.evicted >= 10_000 - held.max_connections - 50, `evicted ${held.evicted}`);
      assert.ok(slowOpen <= held.max_connections, `${slowOpen} slow sockets still open`);
    },
  });
});

Deno.test("fault: 10,000 slow sockets from one address at ulimit -n 1024", async () => {
  await survives({
    name: "one address",
    sockets: 10_000,
    sources: ["127.0.0.2"],
    check(held, slowOpen) {
      const cap = held.max_connections_per_client;
      assert.ok(slowOpen <= cap, `${slowOpen} slow sockets open, per-client cap ${cap}`);
      // Nearly all the rest are refused by the time of the check: a few connection attempts
      // whose SYN met a full accept backlog are retried by the kernel seconds later (CI saw 3
      // of 9,744 still on their way after 15 s), so a 1 % slack.
      assert.ok(
        held.refused_per_client >= (10_000 - cap) * 0.99,
        `refused ${held.refused_per_client}`,
      );
    },
  });
});

Deno.test("fault: a cap above the descriptor limit: accept() fails with EMFILE and recovers", async () => {
  await survives({
    name: "cap above the fd limit (EMFILE)",
    sockets: 3000,
    sources: addresses(20),
    env: { ECHELON_MAX_CONNECTIONS: "5000" },
    logged: /warn ECHELON_MAX_CONNECTIONS=5000 is above the 896 that the open-file limit/,
    check(held) {
      assert.ok(held.accept_errors > 0, "accept() failed with EMFILE");
    },
  });
});
