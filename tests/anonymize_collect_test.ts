// Anonymised sites end to end: the same traffic (/b.gif, POST /e, POST /api/ingest, Nanolytica's
// collect, a known bot) sent to an anonymised and a normal site. The anonymised site's stored
// rows are mapped and the SQLite file holds none of the originals (grepped byte for byte after a
// WAL checkpoint); the normal site is untouched; the overview and experiment results agree.
import assert from "node:assert/strict";
import { PSEUDO_COUNTRY_CODES } from "../lib/anonymize/pseudo_countries.ts";
import { IdentityResolver } from "../lib/ingest/identity.ts";
import { refreshRollups } from "../lib/stats/mod.ts";
import { adminApp, adminHtml } from "./_admin.ts";
import { b64, BROWSER_HEADERS, CHROME_UA, flush, verifiedQuery } from "./_collect.ts";
import { createTestApp, TEST_SECRET, type TestApp } from "./_helpers.ts";

const SECRET = TEST_SECRET;
const AUTH = { authorization: `Bearer ${SECRET}` };
const ANON = "anon-site";
const PLAIN = "plain-site";
const ENV = {
  ECHELON_SECRET: SECRET,
  ECHELON_ANONYMIZE_SITES: `${ANON.toUpperCase()},other`,
  ECHELON_UTM_RECORD_ALL: "true",
  ECHELON_TRUST_GEO_HEADERS: "true",
  // The peer stands for the geo proxy that sets x-country-code (one hop).
  ECHELON_TRUST_PROXY: "1",
  // Drop reasons in the x-echelon-drop header (asserted: every hit is stored or a known bot).
  ECHELON_DEBUG: "true",
};
const DAY = "2026-11-20";
const FIREFOX_UA = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0";
const GOOGLEBOT_UA = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
const COOKIE_ID = "0123456789abcdef";
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const sessionOf = (n: number) => `5e55101e-7a1b-4c2d-9e3f-${String(n).padStart(12, "0")}`;
const INGEST_EVENT_ID = "e7e7e7e7-1111-4222-8333-444455556666";

/** Every original value the traffic carries (besides the session ids, visitor ids and country). */
const ORIGINALS = [
  // path segments, an allow-listed query value and the Nanolytica / ingest / bot paths
  "zqxproducts",
  "zqxsecretwidget",
  "zqxcheckout",
  "zqxstepfinal",
  "zqxlanding",
  "zqxqueryvalue",
  "zqxnanopage",
  "zqxingestpath",
  "zqxbotpath",
  // referrer hosts (the b.gif `ref`, Nanolytica's, the ingest event's, the page's own origin)
  "zqx-referrer-host",
  "zqx-nano-referrer",
  "zqx-ingest-referrer",
  "zqx-customer-site",
  // UA fragments
  "Windows",
  "Chrome",
  "Firefox",
  "Linux",
  // UTM values
  "zqxsource",
  "zqxmedium",
  "zqxcampaign",
  "zqxcontent",
  "zqxterm",
  // event data: a form value, a custom prop, a link, a hidden experiment, ingest context
  "Zqxformvalue",
  "zqxcustomprop",
  "zqx-outbound-host",
  "zqxoutpath",
  "zqxlinktext",
  "zqx-hidden-experiment",
  "zqxhiddenvariant",
  "zqxingestnote",
  "zqx-lang",
  // identifiers
  COOKIE_ID,
  INGEST_EVENT_ID,
  ...[1, 2, 3, 4].map(sessionOf),
];

const PAGE_HEADERS = {
  ...BROWSER_HEADERS,
  referer: "https://zqx-customer-site.example/zqxproducts/zqxsecretwidget",
  origin: "https://zqx-customer-site.example",
};

interface Visitor {
  ip: string;
  ua: string;
  country: string;
  cookie?: string;
}

function ips(site: string) {
  // Each site's visitors have their own addresses, so one site's burst counts never score the
  // other's hits.
  const base = site === ANON ? 10 : 20;
  return [1, 2, 3, 4, 5].map((n) => `198.51.100.${base + n}`);
}

async function view(
  t: TestApp,
  site: string,
  who: Visitor,
  params: Record<string, string>,
): Promise<void> {
  // A real browser's view (valid token, trusted input), so the stats count it.
  const q = new URLSearchParams({
    s: site,
    _v: "1500",
    sw: "1920",
    sh: "1080",
    ...verifiedQuery(t, site),
    ...params,
  });
  const res = await t.request(`/b.gif?${q}`, {
    headers: {
      ...PAGE_HEADERS,
      "user-agent": who.ua,
      "x-country-code": who.country,
      ...(who.cookie ? { cookie: `_ev=${who.cookie}` } : {}),
    },
    ip: who.ip,
  });
  await res.body?.cancel();
  assert.equal(res.headers.get("x-echelon-drop"), null, `view ${JSON.stringify(params)}`);
}

async function events(t: TestApp, site: string, who: Visitor, list: unknown[]): Promise<void> {
  const res = await t.request("/e", {
    method: "POST",
    headers: { ...PAGE_HEADERS, "user-agent": who.ua, "x-country-code": who.country },
    body: JSON.stringify({ siteId: site, tok: verifiedQuery(t, site).tok, events: list }),
    ip: who.ip,
  });
  await res.body?.cancel();
  assert.equal(res.status, 204);
  assert.equal(res.headers.get("x-echelon-drop"), null);
}

async function api(t: TestApp, path: string, method: string, body?: unknown) {
  const res = await t.request(path, {
    method,
    headers: { ...AUTH, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** The same visits for any site: 4 real sessions, one of them a bounce, plus ingest and a bot. */
async function traffic(t: TestApp, site: string): Promise<void> {
  const [ip1, ip2, ip3, ip4, ip5] = ips(site);
  const chrome: Visitor = { ip: ip1, ua: CHROME_UA, country: "NO" };
  const firefox: Visitor = { ip: ip2, ua: FIREFOX_UA, country: "JP", cookie: COOKIE_ID };
  const third: Visitor = { ip: ip3, ua: CHROME_UA, country: "NO" };
  const experiment = `${site}-exp`;

  await api(t, `/api/sites`, "POST", { site_id: site });
  await api(t, `/api/sites/${site}`, "PATCH", {
    send_form_values: true,
    query_allowlist: ["page"],
  });
  await api(t, "/api/experiments", "POST", {
    experiment_id: experiment,
    name: "Checkout",
    site_id: site,
    metric: "purchase",
    variants: [
      { variant_id: "control", name: "Control", weight: 50, is_control: true },
      { variant_id: "green", name: "Green", weight: 50 },
    ],
  });
  await api(t, `/api/experiments/${experiment}`, "PATCH", { status: "active" });
  t.clock.now += 1000;

  // Session 1: an entry with referrer, UTM and an allow-listed query, then a second page.
  const utm = "utm_source=zqxsource&utm_medium=zqxmedium&utm_campaign=zqxcampaign" +
    "&utm_content=zqxcontent&utm_term=zqxterm";
  await view(t, site, chrome, {
    p: b64(`/zqxproducts/zqxsecretwidget?page=zqxqueryvalue&${utm}`),
    sid: sessionOf(1),
    ref: b64("https://www.zqx-referrer-host.example/search?q=1"),
  });
  t.clock.now += 30_000;
  await view(t, site, chrome, { p: b64("/zqxcheckout/zqxstepfinal"), sid: sessionOf(1) });
  const path = "/zqxcheckout/zqxstepfinal";
  const inSession = (type: string, data: Record<string, unknown>) => ({
    type,
    data: { path, ...data },
    sessionId: sessionOf(1),
    utmCampaign: "zqxcampaign",
  });
  await events(t, site, chrome, [
    inSession("scroll_depth", { depth: 75 }),
    inSession("form_blur", {
      tag: "input",
      input_type: "text",
      field_name: "name",
      value: "Zqxformvalue 42",
      value_length: 15,
    }),
    inSession("outbound", {
      url: "https://zqx-outbound-host.example/zqxoutpath?x=1",
      host: "zqx-outbound-host.example",
      text: "zqxlinktext",
    }),
    inSession("custom", { name: "signup", email: "zqxcustomprop@example.org" }),
    inSession("exposure", { experiment_id: experiment, variant_id: "green" }),
    inSession("exposure", {
      experiment_id: "zqx-hidden-experiment",
      variant_id: "zqxhiddenvariant",
    }),
    inSession("custom", { name: "purchase" }),
  ]);

  // Session 2: a bounce, cookie mode.
  t.clock.now += 5000;
  await view(t, site, firefox, { p: b64("/zqxlanding"), sid: sessionOf(2), ck: "1" });

  // Session 3: two pages, exposed to the control, no conversion.
  t.clock.now += 5000;
  await view(t, site, third, { p: b64("/zqxlanding"), sid: sessionOf(3) });
  t.clock.now += 20_000;
  await view(t, site, third, { p: b64("/zqxproducts/zqxsecretwidget"), sid: sessionOf(3) });
  await events(t, site, third, [{
    type: "exposure",
    data: {
      path: "/zqxproducts/zqxsecretwidget",
      experiment_id: experiment,
      variant_id: "control",
    },
    sessionId: sessionOf(3),
  }]);

  // Nanolytica's load and unload posts.
  for (const duration_sec of [0, 12]) {
    const res = await t.request("/api/analytics/collect", {
      method: "POST",
      headers: { ...PAGE_HEADERS, "content-type": "application/json", "x-country-code": "NO" },
      body: JSON.stringify({
        site,
        path: "/zqxnanopage",
        referrer: "https://zqx-nano-referrer.example/",
        screen_size: "1366x768",
        duration_sec,
        scroll_depth: 40,
      }),
      ip: ip4,
    });
    await res.body?.cancel();
    assert.equal(res.status, 204);
  }

  // Authenticated batch ingestion.
  const ingest = await api(t, "/api/ingest", "POST", {
    v: 1,
    batch_id: crypto.randomUUID(),
    context: {
      session_id: sessionOf(4),
      site_id: site,
      device_class: "mobile",
      language: "zqx-lang",
    },
    events: [{
      event_id: INGEST_EVENT_ID,
      type: "checkout_step",
      ts: new Date(t.clock.now).toISOString(),
      data: { path: "/zqxingestpath", note: "zqxingestnote" },
      referrer: "https://zqx-ingest-referrer.example/x",
    }],
  });
  assert.deepEqual(ingest, { accepted: 1, duplicate: 0 });

  // A known crawler: counted in the bot report by path.
  const bot = await t.request(`/b.gif?${new URLSearchParams({ s: site, p: "/zqxbotpath" })}`, {
    headers: { "user-agent": GOOGLEBOT_UA },
    ip: ip5,
  });
  await bot.body?.cancel();
  assert.equal(bot.headers.get("x-echelon-drop"), "known_bot");
}

function rows(t: TestApp, sql: string, ...params: string[]): Record<string, unknown>[] {
  return t.services.db.all<Record<string, unknown>>(sql, ...params).map((row) => ({ ...row }));
}

Deno.test("anonymise: nothing original reaches the database file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "echelon-anon-" });
  const file = `${dir}/echelon.db`;
  try {
    const t = await createTestApp({ ...ENV, ECHELON_DB_PATH: file });
    await traffic(t, ANON);
    await flush(t);
    await refreshRollups(t.services);

    const identity = new IdentityResolver(t.services.masterSecret);
    const cookieless = [CHROME_UA, FIREFOX_UA].flatMap((ua) =>
      ips(ANON).map((ip) => identity.cookieless(ip, ua, ANON, DAY))
    );

    // The stored rows are mapped.
    const stored = rows(t, "SELECT * FROM visitor_views WHERE site_id = ? ORDER BY id", ANON);
    assert.equal(stored.length, 6, "5 beacon views and Nanolytica's");
    const sessions = new Set(stored.map((r) => r.session_id).filter((s) => s !== null));
    assert.equal(sessions.size, 3, "three real sessions, three ids");
    for (const s of sessions) assert.match(String(s), UUID_V4);
    for (const row of stored) {
      assert.match(String(row.visitor_id), /^[0-9a-f]{16}$/);
      assert.match(String(row.path), /^(\/[a-z]+-[0-9a-f]{8})+(\?page=[0-9a-f]{8})?$/);
      assert.ok(PSEUDO_COUNTRY_CODES.includes(String(row.country_code)), String(row.country_code));
      assert.ok(["mothership", "probe", "shuttle"].includes(String(row.device_type)));
    }
    assert.deepEqual(stored.map((r) => r.path === stored[1].path), [
      false,
      true,
      false,
      false,
      false,
      false,
    ]);
    assert.equal(stored[2].path, stored[3].path, "the same page maps alike within the day");
    assert.match(String(stored[4].path), new RegExp(`^${String(stored[0].path).split("?")[0]}$`));
    assert.equal(stored[0].referrer_type, "direct_or_unknown");
    assert.match(String(stored[0].referrer_domain), /\.intranet\.example$/);
    assert.match(String(stored[0].utm_campaign), /^[a-z]+-[0-9a-f]{8}$/);
    // The ingest is written at once; the beacon events wait for the writer's flush.
    const [ingested, ...stream] = rows(
      t,
      "SELECT * FROM semantic_events WHERE site_id = ? ORDER BY id",
      ANON,
    );
    assert.equal(stream.length, 9, "7 + 1 beacon events and Nanolytica's unload");
    const data = stream.map((e) => JSON.parse(String(e.data)));
    assert.equal(data[0].path, stored[1].path, "event data.path maps like the page path");
    assert.equal(stream[0].path, stored[1].path);
    assert.equal(stream[0].session_id, stored[0].session_id);
    assert.equal(stream[0].utm_campaign, stored[0].utm_campaign);
    assert.equal(data[1].value.length, "Zqxformvalue 42".length);
    assert.deepEqual(data[3], {}, "custom props dropped");
    assert.equal(stream[3].event_name, "signup", "event names kept");
    assert.equal(stream[4].experiment_id, `${ANON}-exp`, "a registered experiment keeps its id");
    assert.match(String(stream[5].experiment_id), /^experiment-[0-9a-f]{8}$/);
    assert.equal(ingested.source, "ingest");
    assert.match(String(ingested.session_id), UUID_V4);
    assert.deepEqual(JSON.parse(String(ingested.data)), {}, "ingest context dropped");
    const bots = rows(t, "SELECT path FROM bot_traffic WHERE site_id = ?", ANON);
    assert.equal(bots.length, 1);
    assert.match(String(bots[0].path), /^\/[a-z]+-[0-9a-f]{8}$/);
    const countries = rows(
      t,
      "SELECT country_code FROM visitor_views WHERE country_code IN (?, ?)",
      "NO",
      "JP",
    );
    assert.deepEqual(countries, [], "no real country stored");

    t.services.db.run("PRAGMA wal_checkpoint(TRUNCATE)");
    t.services.db.close();
    let bytes = "";
    for (const entry of Deno.readDirSync(dir)) {
      bytes += new TextDecoder("latin1").decode(Deno.readFileSync(`${dir}/${entry.name}`));
    }
    assert.ok(bytes.includes(ANON), "the grep sees stored text");
    assert.ok(bytes.includes(`${ANON}-exp`), "registered experiments are stored");
    for (const mapped of [stored[0].session_id, stored[0].path, stream[1].data, bots[0].path]) {
      assert.ok(bytes.includes(String(mapped)), `the file holds the mapped ${mapped}`);
    }
    const found = [...ORIGINALS, ...cookieless].filter((original) => bytes.includes(original));
    assert.deepEqual(found, [], "original values found in the database file");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("anonymise: stats of the anonymised site equal the normal site's, labels aside", async () => {
  const t = await adminApp(ENV);
  await traffic(t, ANON);
  await traffic(t, PLAIN);
  await flush(t);
  await refreshRollups(t.services);

  // The normal site is stored as sent.
  const plain = rows(t, "SELECT * FROM visitor_views WHERE site_id = ? ORDER BY id", PLAIN);
  assert.equal(plain[0].path, "/zqxproducts/zqxsecretwidget?page=zqxqueryvalue");
  assert.equal(plain[0].session_id, sessionOf(1));
  assert.equal(plain[0].country_code, "NO");
  assert.equal(plain[0].browser_name, "Chrome");
  assert.equal(plain[0].utm_source, "zqxsource");
  assert.equal(plain[2].visitor_id, COOKIE_ID);
  const plainEvents = rows(t, "SELECT data FROM semantic_events WHERE site_id = ?", PLAIN);
  assert.ok(plainEvents.some((e) => String(e.data).includes("zqxcustomprop")));

  const overview = async (site: string) => {
    const res = await t.request(`/api/stats/overview?site_id=${site}&days=1`, { headers: AUTH });
    assert.equal(res.status, 200);
    return await res.json();
  };
  const [anon, normal] = [await overview(ANON), await overview(PLAIN)];
  const headline = (o: Record<string, unknown>) => ({
    visits: o.visits,
    pageviews: o.pageviews,
    unique_visitors: o.unique_visitors,
    sessions: o.sessions,
    bounces: o.bounces,
    bounce_rate: o.bounce_rate,
    pages_per_session: o.pages_per_session,
    avg_session_ms: o.avg_session_ms,
    events: o.events,
  });
  assert.deepEqual(headline(anon), headline(normal));
  // Nanolytica's collect view carries no proof: stored, never counted (README, issue 14).
  assert.deepEqual(headline(normal), {
    visits: 5,
    pageviews: 5,
    unique_visitors: 3,
    sessions: 3,
    bounces: 1,
    bounce_rate: 33.3,
    pages_per_session: 1.67,
    avg_session_ms: normal.avg_session_ms,
    events: normal.events,
  });
  // Lists: the same figures in the same order, under other labels.
  const figures = (list: Record<string, unknown>[]) =>
    list.map((row) => Object.values(row).filter((v) => typeof v === "number"));
  // Ties are ordered by label, so the rows are compared as sorted figures.
  for (const list of ["top_paths", "entry_pages", "exit_pages", "countries", "devices"]) {
    assert.deepEqual(figures(anon[list]).sort(), figures(normal[list]).sort(), list);
  }
  assert.equal(anon.top_paths.length, 4, "the Nanolytica page is not counted");
  assert.deepEqual(anon.events_by_type, normal.events_by_type);
  assert.deepEqual(anon.custom_events, normal.custom_events);
  assert.notDeepEqual(anon.top_paths, normal.top_paths);

  // Experiment results compute on the anonymised site as on the normal one.
  const results = async (site: string) => {
    const res = await t.request(`/api/stats/experiments?experiment_id=${site}-exp`, {
      headers: AUTH,
    });
    assert.equal(res.status, 200);
    const [r] = await res.json();
    return r.variants.map((v: Record<string, unknown>) => [
      v.variant_id,
      v.exposures,
      v.conversions,
    ]);
  };
  assert.deepEqual(await results(ANON), [["control", 1, 0], ["green", 1, 1]]);
  assert.deepEqual(await results(ANON), await results(PLAIN));

  // The admin says which site is anonymised.
  const sites = await adminHtml(t, "/admin/sites");
  assert.match(
    sites.html,
    /data-site="anon-site"[^]*?data-anonymized="true"[^]*?data-site="plain-site"/,
  );
  assert.equal(sites.html.match(/data-anonymized="true"/g)?.length, 1);
  const page = await adminHtml(t, `/admin/sites/${ANON}`);
  assert.match(page.html, /id="site-anonymized"/);
  assert.doesNotMatch((await adminHtml(t, `/admin/sites/${PLAIN}`)).html, /site-anonymized/);
  assert.match((await adminHtml(t, `/admin?site=${ANON}`)).html, /id="dashboard-anonymized"/);
  assert.doesNotMatch((await adminHtml(t, `/admin?site=${PLAIN}`)).html, /dashboard-anonymized/);
});

Deno.test("anonymise: an excluded (mapped) visitor id is excluded on the next hit", async () => {
  const t = await createTestApp(ENV);
  const who: Visitor = { ip: "198.51.100.99", ua: CHROME_UA, country: "NO" };
  await view(t, ANON, who, { p: b64("/zqxlanding"), sid: sessionOf(1) });
  await flush(t);
  const [stored] = rows(t, "SELECT visitor_id FROM visitor_views");
  await api(t, "/api/bots/exclude", "POST", { visitor_id: stored.visitor_id });
  const q = new URLSearchParams({ s: ANON, p: b64("/zqxlanding"), sid: sessionOf(1), _v: "900" });
  const res = await t.request(`/b.gif?${q}`, {
    headers: { ...PAGE_HEADERS, "user-agent": who.ua },
    ip: who.ip,
  });
  await res.body?.cancel();
  assert.equal(res.headers.get("x-echelon-drop"), "excluded_visitor");
});
