// SIGTERM during a burst of page views (docs/architecture.md, "Reliability and security": zero
// accepted hits lost): the real process is killed mid-burst with most hits still buffered; every
// hit answered with the pixel and no drop reason must be in visitor_views afterwards, and nothing
// else.
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { spawnServer } from "./_process.ts";

const MAX_HITS = 4000;
const MAX_BURST_MS = 10_000;
const LOOPS = 16;
/** SIGTERM once this many hits were sent (or after SIGTERM_AFTER_MS, whichever comes first). */
const SIGTERM_AT = 1500;
const SIGTERM_AFTER_MS = 4000;
const SITE = "sigterm-test";

const HEADERS = {
  "user-agent":
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
  "accept-language": "en-US,en;q=0.9",
  "sec-fetch-site": "cross-site",
};

function hitUrl(baseUrl: string, n: number): string {
  const params = new URLSearchParams({
    p: btoa(`/burst/${n}`),
    s: SITE,
    sid: crypto.randomUUID(),
    _v: String(1200 + (n % 1000)),
    sw: "1920",
    sh: "1080",
  });
  return `${baseUrl}/b.gif?${params}`;
}

Deno.test("process: SIGTERM mid-burst loses no accepted page view", async () => {
  const dir = await Deno.makeTempDir();
  const dbPath = `${dir}/sigterm.db`;
  const server = await spawnServer({
    ECHELON_DB_PATH: dbPath,
    ECHELON_RATE_LIMIT_MAX: "0",
    ECHELON_DEBUG: "true",
    // Longer than the burst: the rows are still in the writer's buffer when SIGTERM arrives.
    ECHELON_VIEW_FLUSH_MS: "5000",
  });
  try {
    const accepted = new Set<string>();
    const drops = new Map<string, number>();
    let sent = 0;
    let failed = 0;
    let sentAfterSignal = 0;
    let acceptedAfterSignal = 0;
    let stopped: Promise<Deno.CommandStatus> | null = null;
    const started = Date.now();

    const loop = async () => {
      while (sent < MAX_HITS && Date.now() - started < MAX_BURST_MS) {
        const n = sent++;
        if (!stopped && (n >= SIGTERM_AT || Date.now() - started > SIGTERM_AFTER_MS)) {
          stopped = server.stop("SIGTERM"); // sends the signal now; resolves at exit
        }
        if (stopped) sentAfterSignal++;
        let res: Response;
        try {
          res = await fetch(hitUrl(server.baseUrl, n), { headers: HEADERS });
        } catch {
          failed++; // refused or reset: the server has stopped accepting
          return;
        }
        const body = new Uint8Array(await res.arrayBuffer());
        const drop = res.headers.get("x-echelon-drop");
        assert.equal(res.status, 200);
        assert.equal(res.headers.get("content-type"), "image/gif");
        assert.equal(body.length, 43);
        if (drop) drops.set(drop, (drops.get(drop) ?? 0) + 1);
        else {
          accepted.add(`/burst/${n}`);
          if (stopped) acceptedAfterSignal++;
        }
      }
    };
    await Promise.all(Array.from({ length: LOOPS }, loop));
    assert.ok(stopped, "SIGTERM was sent during the burst");
    const status = await (stopped as Promise<Deno.CommandStatus>);
    assert.equal(status.code, 0, server.log());
    assert.match(server.log(), /SIGTERM: stopping[\s\S]*stopped/);
    assert.doesNotMatch(server.log(), /could not be written|failed/);

    const db = new DatabaseSync(dbPath, { readOnly: true });
    try {
      const stored = new Set(
        db.prepare("SELECT path FROM visitor_views WHERE site_id = ?").all(SITE)
          .map((row) => String(row.path)),
      );
      const total = Number(db.prepare("SELECT count(*) AS n FROM visitor_views").get()!.n);
      const integrity = db.prepare("PRAGMA integrity_check").all().map((r) => r.integrity_check);
      console.log(
        `sent ${sent} (${sentAfterSignal} after SIGTERM), accepted ${accepted.size} ` +
          `(${acceptedAfterSignal} answered after SIGTERM), ` +
          `dropped ${JSON.stringify(Object.fromEntries(drops))}, connection failures ${failed}, ` +
          `stored ${stored.size}`,
      );
      assert.ok(accepted.size >= SIGTERM_AT / 2, "a real burst was accepted before SIGTERM");
      assert.deepEqual(
        [...accepted].filter((path) => !stored.has(path)),
        [],
        "accepted hits missing from visitor_views",
      );
      assert.deepEqual(
        [...stored].filter((path) => !accepted.has(path)),
        [],
        "stored hits that were never accepted",
      );
      assert.equal(total, stored.size, "one row per accepted hit, nothing else");
      assert.deepEqual(integrity, ["ok"]);
    } finally {
      db.close();
    }
  } finally {
    if (!(await isExited(server.child))) await server.stop("SIGKILL");
    await Deno.remove(dir, { recursive: true });
  }
});

async function isExited(child: Deno.ChildProcess): Promise<boolean> {
  const timeout = new Promise<false>((r) => setTimeout(() => r(false), 0));
  return await Promise.race([child.status.then(() => true), timeout]);
}

Deno.test("process: an upload that never ends does not keep SIGTERM from flushing", async () => {
  // A connection that outlasts the drain grace (half of ECHELON_SHUTDOWN_TIMEOUT_MS) must not
  // hold back the writers' flush: before the fix, server.shutdown() waited for it, the shutdown
  // timeout fired and the buffered hits were lost with exit code 1.
  const dir = await Deno.makeTempDir();
  const dbPath = `${dir}/upload.db`;
  const server = await spawnServer({
    ECHELON_DB_PATH: dbPath,
    ECHELON_RATE_LIMIT_MAX: "0",
    ECHELON_DEBUG: "true",
    ECHELON_VIEW_FLUSH_MS: "60000", // the hits stay buffered until shutdown
    ECHELON_SHUTDOWN_TIMEOUT_MS: "4000",
  });
  let trickle: ReturnType<typeof setInterval> | undefined;
  try {
    const accepted: string[] = [];
    for (let n = 0; n < 20; n++) {
      const res = await fetch(hitUrl(server.baseUrl, n), { headers: HEADERS });
      await res.arrayBuffer();
      if (!res.headers.get("x-echelon-drop")) accepted.push(`/burst/${n}`);
    }
    assert.equal(accepted.length, 20);

    // 100 bytes every 50 ms, without end: the connection stays busy.
    const upload = new ReadableStream<Uint8Array>({
      start(controller) {
        trickle = setInterval(() => {
          try {
            controller.enqueue(new Uint8Array(100).fill(120));
          } catch {
            clearInterval(trickle);
          }
        }, 50);
      },
    });
    const uploading = fetch(`${server.baseUrl}/e`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: upload,
      duplex: "half",
    } as RequestInit).then((res) => res.body?.cancel(), () => {});
    await new Promise((resolve) => setTimeout(resolve, 500));

    const started = Date.now();
    const status = await server.stop("SIGTERM");
    const took = Date.now() - started;
    assert.equal(status.code, 0, server.log());
    assert.match(server.log(), /connections still open after 2000 ms; flushing/);
    assert.ok(took < 4000, `exited after ${took} ms`);
    clearInterval(trickle);
    await uploading;

    const db = new DatabaseSync(dbPath, { readOnly: true });
    try {
      const stored = db.prepare("SELECT path FROM visitor_views WHERE site_id = ?").all(SITE)
        .map((row) => String(row.path)).sort();
      assert.deepEqual(stored, accepted.sort());
    } finally {
      db.close();
    }
  } finally {
    clearInterval(trickle);
    if (!(await isExited(server.child))) await server.stop("SIGKILL");
    await Deno.remove(dir, { recursive: true });
  }
});
