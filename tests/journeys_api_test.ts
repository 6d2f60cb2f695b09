// Journeys on a small fixed fixture whose every figure is known: POST /api/v2/journeys (next and
// previous, any and entry, widths that group pages as (other), a filter, bots alone), its 400s
// naming the field with nothing stored, who may ask, and the admin page /admin/journeys: its SVG's
// bars and bands carry the same visits as the API (and as the fixture), its tables too, with a GET
// form only (public mode included).
import assert from "node:assert/strict";
import { AUTH_ENV, loginCookie } from "./_auth.ts";
import { adminApp, adminHtml, postForms, registerSite } from "./_admin.ts";
import { insertViews } from "../lib/db/collect.ts";
import { view } from "./_stats_fixture.ts";
import { createTestApp, tableRowCounts, TEST_SECRET, type TestApp } from "./_helpers.ts";

const AUTH = { authorization: `Bearer ${TEST_SECRET}` };
const DAY = "2026-11-19";

/** Each visit's pages, one minute apart, on DAY (`country` FI unless named; `bot` scores 90). */
const VISITS: { id: string; pages: string[]; country?: string; bot?: boolean }[] = [
  { id: "v1", pages: ["/", "/pricing", "/signup"] },
  { id: "v2", pages: ["/", "/pricing", "/signup"] },
  { id: "v3", pages: ["/", "/pricing", "/signup", "/thanks"] },
  { id: "v4", pages: ["/", "/pricing", "/"] },
  { id: "v5", pages: ["/", "/pricing"] },
  // A reload is one step.
  { id: "v6", pages: ["/", "/pricing", "/pricing", "/docs"] },
  { id: "v7", pages: ["/", "/blog"] },
  { id: "v8", pages: ["/", "/blog", "/"] },
  { id: "v9", pages: ["/"] },
  { id: "v10", pages: ["/", "/"] },
  // Enters elsewhere: counted from its first view of "/" (mode any), not as an entry.
  { id: "v11", pages: ["/blog", "/", "/pricing"] },
  { id: "v12", pages: ["/", "/docs"], country: "DE" },
  { id: "b1", pages: ["/", "/wp-login", "/admin"], bot: true },
];

function seed(t: TestApp): void {
  registerSite(t, "shop", "The Shop");
  // As the writer stores them: the sessions table kept too.
  insertViews(
    t.services.db,
    VISITS.flatMap((v, i) =>
      v.pages.map((path, j) =>
        view({
          visitor_id: `visitor-${v.id}`,
          session_id: `session-${v.id}`,
          path,
          country_code: v.country ?? "FI",
          bot_score: v.bot ? 90 : 0,
          created_at: new Date(Date.parse(`${DAY}T08:00:00Z`) + i * 3_600_000 + j * 60_000)
            .toISOString(),
        })
      )
    ),
  );
}

async function journeys(
  t: TestApp,
  body: unknown,
  headers: Record<string, string> = AUTH,
  // deno-lint-ignore no-explicit-any
): Promise<{ status: number; body: any }> {
  const res = await t.request("/api/v2/journeys", {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

/** Nodes as `id visits` and links as `source -> target visits`, in the answer's order. */
// deno-lint-ignore no-explicit-any
function figures(answer: any): { nodes: string[]; links: string[] } {
  return {
    // deno-lint-ignore no-explicit-any
    nodes: answer.nodes.map((n: any) => `${n.id} ${n.visits}`),
    // deno-lint-ignore no-explicit-any
    links: answer.links.map((l: any) => `${l.source} -> ${l.target} ${l.visits}`),
  };
}

const FROM_HOME = {
  nodes: [
    "0:page:/ 12",
    "1:page:/pricing 7",
    "1:page:/blog 2",
    "1:page:/docs 1",
    "1:end 2",
    "2:page:/signup 3",
    "2:page:/ 2",
    "2:page:/docs 1",
    "2:end 4",
  ],
  links: [
    "0:page:/ -> 1:page:/pricing 7",
    "0:page:/ -> 1:page:/blog 2",
    "0:page:/ -> 1:page:/docs 1",
    "0:page:/ -> 1:end 2",
    "1:page:/pricing -> 2:page:/signup 3",
    "1:page:/pricing -> 2:page:/ 1",
    "1:page:/pricing -> 2:page:/docs 1",
    "1:page:/pricing -> 2:end 2",
    "1:page:/blog -> 2:page:/ 1",
    "1:page:/blog -> 2:end 1",
    "1:page:/docs -> 2:end 1",
  ],
};

Deno.test("journeys API: from a page, to a page, entry visits, (other), a filter, bots alone", async () => {
  const t = await createTestApp({ ECHELON_SECRET: TEST_SECRET });
  seed(t);
  const before = tableRowCounts(t);
  const base = { site_id: "shop", date_range: "7d", page: "/", depth: 2 };

  const home = await journeys(t, base);
  assert.equal(home.status, 200, JSON.stringify(home.body));
  assert.deepEqual(figures(home.body), FROM_HOME);
  assert.equal(home.body.meta.visits, 12);
  assert.deepEqual(home.body.meta.date_range, ["2026-11-14", "2026-11-20"]);
  assert.equal(home.body.nodes.find((n: { id: string }) => n.id === "1:end").label, "(exit)");

  // Visits entering on "/": v11 entered on /blog.
  const entry = await journeys(t, { ...base, mode: "entry", depth: 1 });
  assert.deepEqual(figures(entry.body).nodes, [
    "0:page:/ 11",
    "1:page:/pricing 6",
    "1:page:/blog 2",
    "1:page:/docs 1",
    "1:end 2",
  ]);

  // One page kept per step: /blog and /docs are (other).
  const narrow = await journeys(t, { ...base, depth: 1, width: 1 });
  assert.deepEqual(figures(narrow.body), {
    nodes: ["0:page:/ 12", "1:page:/pricing 7", "1:other 3", "1:end 2"],
    links: ["0:page:/ -> 1:page:/pricing 7", "0:page:/ -> 1:other 3", "0:page:/ -> 1:end 2"],
  });
  assert.equal(narrow.body.nodes[2].label, "(other)");

  // Backwards from /signup: all three came from /pricing, from "/", where they entered.
  const back = await journeys(t, { ...base, page: "/signup", direction: "previous", depth: 3 });
  assert.deepEqual(figures(back.body), {
    nodes: ["0:page:/signup 3", "1:page:/pricing 3", "2:page:/ 3", "3:end 3"],
    links: [
      "0:page:/signup -> 1:page:/pricing 3",
      "1:page:/pricing -> 2:page:/ 3",
      "2:page:/ -> 3:end 3",
    ],
  });
  assert.equal(back.body.nodes[3].label, "(entry)");

  // The engine's filters: visits from Germany (v12 only).
  const german = await journeys(t, {
    ...base,
    depth: 1,
    filters: [["is", "visit:country", ["DE"]]],
  });
  assert.deepEqual(figures(german.body).nodes, ["0:page:/ 1", "1:page:/docs 1"]);

  // A goal as the filter (issue 17's goals): the visits that reached /signup, from "/".
  const goal = await t.request("/api/goals", {
    method: "POST",
    headers: { ...AUTH, "content-type": "application/json" },
    body: JSON.stringify({ site_id: "shop", name: "Signed up", kind: "page", page: "/signup" }),
  });
  assert.equal(goal.status, 201, await goal.text());
  const converted = await journeys(t, { ...base, filters: [["is", "event:goal", ["Signed up"]]] });
  assert.equal(converted.status, 200, JSON.stringify(converted.body));
  assert.deepEqual(figures(converted.body).nodes, [
    "0:page:/ 3",
    "1:page:/pricing 3",
    "2:page:/signup 3",
  ]);
  t.services.db.run("DELETE FROM goals");

  // Bots alone: the scanner's visit.
  const bots = await journeys(t, { ...base, bots: "only" });
  assert.deepEqual(figures(bots.body).nodes, [
    "0:page:/ 1",
    "1:page:/wp-login 1",
    "2:page:/admin 1",
  ]);

  // A page no visit viewed: empty, not an error.
  const none = await journeys(t, { ...base, page: "/nowhere" });
  assert.deepEqual(none.body.nodes, []);
  assert.deepEqual(none.body.links, []);
  assert.equal(none.body.meta.visits, 0);
  assert.deepEqual(tableRowCounts(t), before);
});

Deno.test("journeys API: a bad body answers 400 invalid_query naming the field, storing nothing", async () => {
  const t = await createTestApp({ ECHELON_SECRET: TEST_SECRET });
  seed(t);
  const before = tableRowCounts(t);
  const ok = { site_id: "shop", date_range: "7d", page: "/" };
  const cases: [unknown, RegExp][] = [
    [{ site_id: "shop", date_range: "7d" }, /page/],
    [{ ...ok, page: "" }, /page/],
    [{ ...ok, depth: 6 }, /depth/],
    [{ ...ok, depth: 0 }, /depth/],
    [{ ...ok, width: 11 }, /width/],
    [{ ...ok, direction: "sideways" }, /direction/],
    [{ ...ok, mode: "exit" }, /mode/],
    [{ ...ok, metrics: ["visitors"] }, /metrics/],
    [{ ...ok, filters: [["is", "visit:cuntry", ["DE"]]] }, /filters\[0\]\[1\]/],
    [{ ...ok, date_range: ["2026-13-01", "2026-11-20"] }, /date_range\[0\]/],
    [{ ...ok, timezone: "Mars/Olympus" }, /timezone/],
    [{ ...ok, bots: "some" }, /bots/],
    [{ date_range: "7d", page: "/" }, /site_id/],
  ];
  for (const [body, message] of cases) {
    const res = await journeys(t, body);
    assert.equal(res.status, 400, JSON.stringify(body));
    assert.equal(res.body.error, "invalid_query", JSON.stringify(res.body));
    assert.match(res.body.message, message, JSON.stringify(body));
  }
  assert.deepEqual(tableRowCounts(t), before);
});

Deno.test("journeys API: bearer, read key, admin session; refused without; public mode", async () => {
  const t = await createTestApp({ ...AUTH_ENV, ECHELON_SECRET: TEST_SECRET });
  seed(t);
  const body = { site_id: "shop", date_range: "7d", page: "/", depth: 2 };
  assert.equal((await journeys(t, body, {})).status, 401);
  const minted = await t.request("/api/keys", {
    method: "POST",
    headers: { ...AUTH, "content-type": "application/json" },
    body: JSON.stringify({ name: "grafana", scope: "read" }),
  });
  const { key } = await minted.json();
  const withKey = await journeys(t, body, { authorization: `Bearer ${key}` });
  assert.equal(withKey.status, 200, JSON.stringify(withKey.body));
  assert.deepEqual(figures(withKey.body), FROM_HOME);
  const cookie = await loginCookie(t);
  const session = await journeys(t, body, { cookie, origin: "http://echelon.test" });
  assert.equal(session.status, 200);
  const forged = await journeys(t, body, { cookie, origin: "https://evil.example" });
  assert.equal(forged.status, 403);

  const pub = await createTestApp({ ECHELON_SECRET: TEST_SECRET, ECHELON_PUBLIC_MODE: "true" });
  seed(pub);
  const anonymous = await journeys(pub, body, {});
  assert.equal(anonymous.status, 403);
  assert.equal(anonymous.body.error, "not_public");
  assert.deepEqual(figures((await journeys(pub, body)).body), FROM_HOME);
});

/** The SVG's bars (`data-node`) and bands (`data-link`) with their visits, in page order. */
function drawn(html: string): { nodes: string[]; links: string[] } {
  const svg = html.slice(html.indexOf("<svg"), html.indexOf("</svg>"));
  const all = (re: RegExp) => [...svg.matchAll(re)].map((m) => `${m[1]} ${m[2]}`);
  return {
    nodes: all(/<rect[^>]*data-node="([^"]+)" data-visits="(\d+)"/g),
    links: all(/<path[^>]*data-link="([^"]+)" data-visits="(\d+)"/g).map((l) =>
      l.replaceAll("&gt;", ">")
    ),
  };
}

for (const mode of ["signed in", "public"] as const) {
  Deno.test(`journeys page (${mode}): the SVG's bars and bands are the stored visits' figures`, async () => {
    const t = await adminApp(mode === "public" ? { ECHELON_PUBLIC_MODE: "true" } : {});
    seed(t);
    const { status, html } = await adminHtml(
      t,
      "/admin/journeys?site=shop&days=7&page=/&depth=2",
    );
    assert.equal(status, 200);
    assert.deepEqual(drawn(html), FROM_HOME);
    // The tables say the same.
    for (const n of FROM_HOME.nodes) {
      assert.match(html, new RegExp(`data-node="${n.split(" ")[0]}"`));
    }
    assert.equal((html.match(/<tr[^>]*data-link=/g) ?? []).length, FROM_HOME.links.length);
    // Nothing on it writes: a GET form (public mode: no POST form at all, not even logout).
    assert.ok(!postForms(html).some((f) => f.includes("journey")), postForms(html).join());
    if (mode === "public") assert.deepEqual(postForms(html), []);
    assert.match(html, /<form[^>]*method="get"[^>]*id="journey-form"/);
    // The picker offers the top pages; none chosen, the top page is shown.
    assert.match(html, /<datalist id="journey-pages">.*value="\/pricing"/s);
    const top = await adminHtml(t, "/admin/journeys?site=shop&days=7&depth=2");
    assert.deepEqual(drawn(top.html), FROM_HOME);

    // Under the dashboard's filter (country DE) and backwards.
    const filtered = await adminHtml(
      t,
      "/admin/journeys?site=shop&days=7&page=/docs&direction=previous&depth=1&f=visit:country:is:DE",
    );
    assert.deepEqual(drawn(filtered.html).nodes, ["0:page:/docs 1", "1:page:/ 1"]);
  });
}

Deno.test("journeys page: all sites asks for one; the dashboard links to it with its filters", async () => {
  const t = await adminApp();
  seed(t);
  registerSite(t, "blog");
  const all = await adminHtml(t, "/admin/journeys");
  assert.equal(all.status, 200);
  assert.match(all.html, /pick one above/);
  const dashboard = await adminHtml(t, "/admin?site=shop&days=7&f=visit:country:is:DE&bots=show");
  const link = dashboard.html.match(/id="journeys-link"[^>]*href="([^"]+)"/)?.[1] ??
    dashboard.html.match(/href="([^"]+)"[^>]*id="journeys-link"/)?.[1];
  assert.ok(link, "the dashboard links to the journeys");
  const href = link.replaceAll("&amp;", "&");
  assert.match(href, /^\/admin\/journeys\?/);
  const params = new URL(href, "http://x").searchParams;
  assert.equal(params.get("site"), "shop");
  assert.equal(params.get("days"), "7");
  assert.equal(params.get("f"), "visit:country:is:DE");
  assert.equal(params.get("bots"), "show");
});

Deno.test("journeys API: on a file database it runs in a read process, answering what inline does", async () => {
  const dir = await Deno.makeTempDir();
  const env = { ECHELON_DB_PATH: `${dir}/journeys.db`, ECHELON_SECRET: TEST_SECRET };
  const threaded = await createTestApp({ ...env, ECHELON_READ_THREADS: "1" });
  const inline = await createTestApp({ ...env, ECHELON_READ_THREADS: "0" });
  try {
    seed(threaded);
    const body = {
      site_id: "shop",
      date_range: "7d",
      page: "/",
      depth: 2,
      filters: [["is_not", "visit:country", ["DE"]]],
    };
    const [a, b] = await Promise.all([journeys(threaded, body), journeys(inline, body)]);
    assert.equal(a.status, 200, JSON.stringify(a.body));
    assert.deepEqual(a.body, b.body);
    assert.equal(a.body.meta.visits, 11);
    assert.ok(threaded.services.reads.stats().processes >= 1, "the journey ran in a read process");
  } finally {
    for (const t of [threaded, inline]) {
      for (const hook of t.services.shutdownHooks) await hook.run();
      t.services.db.close();
    }
    await Deno.remove(dir, { recursive: true });
  }
});
