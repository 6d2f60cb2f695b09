// Oversize request bodies on every route that takes one, enumerated from the router
// (tests/fuzz/_routes.ts): each POST/PUT/PATCH/DELETE handler is sent an endless body (a stream
// that would go on for 64 MiB, counting what it is asked for) with valid credentials. A route that
// reads bodies answers 413 naming its limit after pulling at most that limit plus a chunk, cancels
// the stream and changes nothing; the same limit declared in Content-Length is refused before a
// byte is pulled. A route that takes no body (listed in TAKES_NO_BODY) never pulls a byte and the
// stream is cancelled after its answer; so is every body sent without credentials. Over a real
// socket, the 413 arrives while the upload is still running.
import assert from "node:assert/strict";
import { AUTH_ENV, loginCookie } from "./_auth.ts";
import {
  createTestApp,
  serveTestApp,
  tableRowCounts,
  TEST_ORIGIN,
  TEST_SECRET,
  type TestApp,
} from "./_helpers.ts";
import { listRoutes, pathOf, type RouteInfo, UNSAFE_METHODS } from "./fuzz/_routes.ts";
import { PUBLIC_PATHS } from "../routes/api/_middleware.ts";
import type { Method } from "../lib/fresh/types.ts";

const SECRET = TEST_SECRET;
const ENV = { ...AUTH_ENV, ECHELON_SECRET: SECRET };
const CHUNK_BYTES = 16 * 1024;
const ENDLESS_BYTES = 64 * 1024 * 1024;
/** The largest limit any route may have (the ingest and perf batches, 1 MiB). */
const LARGEST_LIMIT = 1024 * 1024;

/** Route methods that take no body: they answer without reading one (it is cancelled after). */
const TAKES_NO_BODY: ReadonlySet<string> = new Set([
  "DELETE /api/annotations/:id",
  "DELETE /api/bots/exclude/:visitor_id",
  "DELETE /api/campaigns/:id",
  "DELETE /api/experiments/:id",
  "DELETE /api/funnels/:id",
  "DELETE /api/goals/:id",
  "DELETE /api/keys/:id",
  "DELETE /api/segments/:id",
  "DELETE /api/sites/:id",
  "POST /admin/logout",
  // /mcp answers 405 to everything but POST (stateless transport).
  "PUT /mcp",
  "PATCH /mcp",
  "DELETE /mcp",
]);

interface Case {
  route: RouteInfo;
  method: Method;
  name: string;
}

const routes = await listRoutes();
const CASES: Case[] = routes.flatMap((route) =>
  route.methods
    .filter((method) => UNSAFE_METHODS.includes(method))
    .map((method) => ({ route, method, name: `${method} ${route.pattern}` }))
);
const isAdmin = (c: Case) => c.route.pattern.startsWith("/admin");
/** Routes that refuse a caller without credentials (before any body is read). */
const needsCredentials = (c: Case) =>
  c.route.pattern === "/mcp" ||
  (isAdmin(c) && c.route.pattern !== "/admin/login") ||
  (c.route.pattern.startsWith("/api/") && !PUBLIC_PATHS.has(c.route.pattern));

interface Fixtures {
  cookie: string;
  campaign: string;
  key: string;
  goal: string;
  funnel: string;
}

/** A site, a campaign, an experiment, an API key and a session, so [id] routes reach the body. */
async function fixtures(t: TestApp): Promise<Fixtures> {
  const post = async (path: string, body: unknown) => {
    const res = await t.request(path, {
      method: "POST",
      headers: { authorization: `Bearer ${SECRET}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const json = await res.json();
    assert.ok(res.status < 300, `${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  await post("/api/sites", { site_id: "shop", name: "Shop" });
  const campaign = await post("/api/campaigns", { utm_campaign: "spring", site_id: "shop" });
  await post("/api/experiments", {
    experiment_id: "exp1",
    name: "Exp",
    site_id: "shop",
    metric: "signup",
    variants: [
      { variant_id: "a", weight: 50, is_control: true },
      { variant_id: "b", weight: 50 },
    ],
  });
  const key = await post("/api/keys", { name: "ci", scope: "write" });
  const goal = await post("/api/goals", { site_id: "shop", name: "G", kind: "page", page: "/" });
  const funnel = await post("/api/funnels", {
    site_id: "shop",
    name: "F",
    steps: [{ page: "/" }, { page: "/x" }],
  });
  return {
    cookie: await loginCookie(t),
    campaign: campaign.created,
    key: String(key.created),
    goal: String(goal.created),
    funnel: String(funnel.created),
  };
}

function pathFor(c: Case, f: Fixtures): string {
  const p = c.route.pattern;
  const id = p.includes("/sites/")
    ? "shop"
    : p.includes("/campaigns/")
    ? f.campaign
    : p.includes("/experiments/")
    ? "exp1"
    : p.includes("/keys/")
    ? f.key
    : p.includes("/goals/")
    ? f.goal
    : p.includes("/funnels/")
    ? f.funnel
    : "v-0000"; // visitors, bot exclusions
  return pathOf(c.route, () => id);
}

function headersFor(c: Case, f: Fixtures | null, origin = TEST_ORIGIN): Record<string, string> {
  return {
    origin,
    "content-type": isAdmin(c) ? "application/x-www-form-urlencoded" : "application/json",
    accept: "application/json, text/event-stream", // what an MCP client sends
    ...(f ? { authorization: `Bearer ${SECRET}`, cookie: f.cookie } : {}),
  };
}

/**
 * A body that would run to 64 MiB, counting the bytes it was asked for. `stop()` makes it fail at
 * the next pull (aborting a fetch does not stop the upload of its body in Deno 2.9.6).
 */
function endlessBody(total = ENDLESS_BYTES) {
  const chunk = new TextEncoder().encode("x".repeat(CHUNK_BYTES));
  const counter = { pulled: 0, cancelled: false, stopped: false };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (counter.stopped) return controller.error(new Error("upload stopped by the test"));
      if (counter.pulled >= total) return controller.close();
      counter.pulled += chunk.length;
      controller.enqueue(chunk);
    },
    cancel() {
      counter.cancelled = true;
    },
  }, { highWaterMark: 0 });
  return { stream, counter };
}

/** The limit a 413 names, from a JSON error, a JSON-RPC error or an error page alike. */
function namedLimit(text: string, where: string): number {
  const match = text.match(/limit of (\d+) bytes/);
  assert.ok(match, `${where}: the 413 does not name its limit: ${text.slice(0, 300)}`);
  return Number(match[1]);
}

Deno.test("body limits: the enumeration finds every body route, and TAKES_NO_BODY is current", () => {
  assert.ok(CASES.length >= 30, CASES.map((c) => c.name).join(", "));
  for (const name of TAKES_NO_BODY) assert.ok(CASES.some((c) => c.name === name), name);
});

for (const c of CASES) {
  Deno.test(`body limits: ${c.name}`, async () => {
    const t = await createTestApp(ENV);
    const f = await fixtures(t);
    const path = pathFor(c, f);
    const where = `${c.method} ${path}`;
    const send = async (headers: Record<string, string>) => {
      const body = endlessBody();
      const res = await t.request(path, { method: c.method, headers, body: body.stream });
      return { status: res.status, text: await res.text(), ...body.counter };
    };

    if (TAKES_NO_BODY.has(c.name)) {
      const res = await send(headersFor(c, f));
      assert.ok(res.status < 500 && res.status !== 413, `${where}: ${res.status} ${res.text}`);
      assert.equal(res.pulled, 0, `${where}: a route without a body read ${res.pulled} bytes`);
      assert.ok(res.cancelled, `${where}: the unread body was not cancelled`);
    } else {
      const before = tableRowCounts(t);
      const streamed = await send(headersFor(c, f));
      assert.equal(streamed.status, 413, `${where}: ${streamed.text.slice(0, 300)}`);
      const limit = namedLimit(streamed.text, where);
      assert.ok(limit <= LARGEST_LIMIT, `${where}: limit ${limit}`);
      assert.ok(streamed.pulled > limit, `${where}: only ${streamed.pulled} bytes pulled`);
      assert.ok(
        streamed.pulled <= limit + CHUNK_BYTES,
        `${where}: ${streamed.pulled} bytes pulled for a limit of ${limit}`,
      );
      assert.ok(streamed.cancelled, `${where}: the body stream was not cancelled`);
      if (!isAdmin(c)) {
        assert.match(streamed.text, /payload_too_large|"code":-32000/, where);
      }

      // The same limit declared up front: refused before a single byte is pulled.
      const declared = await send({
        ...headersFor(c, f),
        "content-length": String(limit + 1),
      });
      assert.equal(declared.status, 413, `${where} (declared): ${declared.text.slice(0, 300)}`);
      assert.equal(declared.pulled, 0, `${where} (declared): ${declared.pulled} bytes pulled`);
      assert.ok(declared.cancelled, `${where} (declared): the body stream was not cancelled`);
      assert.deepEqual(tableRowCounts(t), before, `${where}: a refused body changed rows`);
    }

    if (needsCredentials(c)) {
      const anonymous = await send(headersFor(c, null));
      assert.ok([303, 401].includes(anonymous.status), `${where} anonymous: ${anonymous.status}`);
      assert.equal(anonymous.pulled, 0, `${where} anonymous: ${anonymous.pulled} bytes pulled`);
      assert.ok(anonymous.cancelled, `${where} anonymous: the body stream was not cancelled`);
    }
  });
}

// Over a real socket the server cannot stop the client's upload for it: Deno 2.9.6's HTTP/1.1
// server discards what a cancelled body still sends, to keep the connection. What the app
// controls is that the answer does not wait for the body: the 413 arrives while an upload of
// 1 GiB is still far from done, and the client then stops it.
Deno.test("body limits: over a real socket, the 413 arrives while the upload is still running", async () => {
  const t = await createTestApp(ENV);
  const f = await fixtures(t);
  const server = serveTestApp(t);
  const total = 1024 * 1024 * 1024;
  const SOCKET_SLACK_BYTES = 32 * 1024 * 1024;
  try {
    for (const c of CASES.filter((c) => !TAKES_NO_BODY.has(c.name))) {
      const path = pathFor(c, f);
      const where = `${c.method} ${path}`;
      const body = endlessBody(total);
      try {
        const res = await fetch(server.baseUrl + path, {
          method: c.method,
          headers: headersFor(c, f, server.baseUrl),
          body: body.stream,
          duplex: "half",
        } as RequestInit);
        const pulledAtAnswer = body.counter.pulled;
        const text = await res.text();
        assert.equal(res.status, 413, `${where}: ${text.slice(0, 300)}`);
        const limit = namedLimit(text, where);
        // What was pulled by then is the limit, the sockets' buffers and what the server went on
        // discarding in the meantime: a few MiB at most, far below the upload.
        assert.ok(
          pulledAtAnswer <= limit + SOCKET_SLACK_BYTES,
          `${where}: answered after ${pulledAtAnswer} bytes of the upload`,
        );
      } finally {
        body.counter.stopped = true;
      }
    }
  } finally {
    await server.close();
  }
});
