// Annotations in the admin (components/Annotations.tsx, routes/admin/annotations.ts): the site
// dashboard's trend draws a marker on the note's local day (or hour) with its text in a <title>
// and in the list under the chart; a signed-in admin adds and deletes notes through plain forms
// (stored with source "admin", bad fields refused with a notice naming them, nothing stored);
// public mode shows the markers without any form; the campaign page's trend marks them too.
import assert from "node:assert/strict";
import {
  adminApp,
  adminHtml,
  adminPost,
  type AdminTestApp,
  postForms,
  registerSite,
} from "./_admin.ts";

const WEEK = "from=2026-11-14&to=2026-11-20";
const DASHBOARD = `/admin?site=shop&${WEEK}`;

async function siteApp(env: Record<string, string> = {}): Promise<AdminTestApp> {
  const t = await adminApp(env);
  registerSite(t, "shop", "Shop");
  registerSite(t, "blog");
  return t;
}

function note(t: AdminTestApp, site: string, day: string, at: string | null, text: string): number {
  return t.services.db.get<{ id: number }>(
    "INSERT INTO annotations (site_id, day, at, text, source) VALUES (?, ?, ?, ?, 'api') RETURNING id",
    site,
    day,
    at,
    text,
  )!.id;
}

/** The markers of the chart `figure` as [point, x, title]. */
function markers(html: string, figure: string): [string, string, string][] {
  const chart = html.match(new RegExp(`<figure id="${figure}"[\\s\\S]*?</figure>`))?.[0] ?? "";
  return [
    ...chart.matchAll(
      /<g data-annotation-point="([^"]+)" data-x="([^"]+)"[^>]*><title>([^<]*)<\/title>/g,
    ),
  ].map((m) => [m[1], m[2], m[3]]);
}

/** The notes listed under the chart as [id, text]. */
function listed(html: string): [string, string][] {
  const list = html.match(/<div id="annotations"[\s\S]*?<\/ul>/)?.[0] ?? "";
  return [...list.matchAll(/<li data-annotation-id="(\d+)"[\s\S]*?<\/span> ([^<]*)<\/span>/g)]
    .map((m) => [m[1], m[2]]);
}

const stored = (t: AdminTestApp) =>
  t.services.db.all<
    { site_id: string; day: string; at: string | null; text: string; source: string }
  >(
    "SELECT site_id, day, at, text, source FROM annotations ORDER BY id",
  ).map((r) => ({ ...r }));

Deno.test("annotations admin: the dashboard's trend marks each note on its local day, with its text", async () => {
  const t = await siteApp();
  const launch = note(t, "shop", "2026-11-17", null, "Launched pricing v2");
  const deploy = note(t, "shop", "2026-11-20", "2026-11-20T04:30:00.000Z", "Deploy & <fix>");
  note(t, "shop", "2026-11-10", null, "Before the week");
  note(t, "blog", "2026-11-17", null, "Another site's note");

  // Seven days on a 600-wide chart: day i's centre is (i + 0.5) * 600 / 7.
  const { status, html } = await adminHtml(t, DASHBOARD);
  assert.equal(status, 200);
  assert.deepEqual(markers(html, "trend-chart"), [
    ["2026-11-17", "300.00", "2026-11-17: Launched pricing v2"],
    ["2026-11-20", "557.14", "2026-11-20T04:30:00.000Z: Deploy &amp; &lt;fix>"],
  ]);
  assert.deepEqual(listed(html), [
    [String(launch), "Launched pricing v2"],
    [String(deploy), "Deploy &amp; &lt;fix>"],
  ]);
  assert.ok(postForms(html).some((form) => form.includes('id="annotation-add"')));
  assert.equal((html.match(/name="action" value="delete"/g) ?? []).length, 2);

  // In New York the deploy (04:30 UTC) was on the evening of the 19th.
  t.services.db.run(
    "INSERT INTO site_settings (site_id, time_zone) VALUES ('shop', 'America/New_York')",
  );
  const zoned = await adminHtml(t, DASHBOARD);
  assert.deepEqual(markers(zoned.html, "trend-chart").map((m) => m.slice(0, 2)), [
    ["2026-11-17", "300.00"],
    ["2026-11-19", "471.43"],
  ]);
});

Deno.test("annotations admin: the All sites trend marks every summarised site's notes, naming the site", async () => {
  const t = await siteApp();
  note(t, "shop", "2026-11-17", null, "Launched pricing v2");
  note(t, "blog", "2026-11-17", null, "New post");
  note(t, "blog", "2026-11-19", null, "Newsletter");
  const { html } = await adminHtml(t, `/admin?${WEEK}`);
  assert.match(html, /Figures of every site/);
  assert.deepEqual(markers(html, "trend-chart"), [
    ["2026-11-17", "300.00", "2026-11-17 (shop): Launched pricing v2\n2026-11-17 (blog): New post"],
    ["2026-11-19", "471.43", "2026-11-19 (blog): Newsletter"],
  ]);
  assert.deepEqual(listed(html).map((n) => n[1]), [
    "Launched pricing v2",
    "New post",
    "Newsletter",
  ]);
  assert.doesNotMatch(html, /annotation-add|value="delete"/);
});

Deno.test("annotations admin: an hourly trend marks an instant on its hour, a day on its first", async () => {
  const t = await siteApp();
  note(t, "shop", "2026-11-20", "2026-11-20T09:15:00.000Z", "Deployed at 09:15");
  note(t, "shop", "2026-11-20", null, "All day");
  // One day by the hour: 24 points 25 units wide, hour h centred at (h + 0.5) * 25.
  const { html } = await adminHtml(t, "/admin?site=shop&from=2026-11-20&to=2026-11-20");
  assert.match(html, /data-unit="hour"/);
  assert.deepEqual(markers(html, "trend-chart").map((m) => m.slice(0, 2)), [
    ["2026-11-20 00:00", "12.50"],
    ["2026-11-20 09:00", "237.50"],
  ]);
});

Deno.test("annotations admin: add and delete through the dashboard's forms", async () => {
  const t = await siteApp();
  const back = DASHBOARD;
  const location = (res: Response) => decodeURIComponent(res.headers.get("location") ?? "");
  const add = (fields: Record<string, string>) =>
    adminPost(t, "/admin/annotations", { action: "add", site: "shop", return_to: back, ...fields });

  const saved = await add({ date: "2026-11-18", text: " Newsletter sent " });
  assert.equal(saved.status, 303);
  assert.equal(location(saved), `${back}&notice=annotation_saved`);
  assert.deepEqual(stored(t), [
    { site_id: "shop", day: "2026-11-18", at: null, text: "Newsletter sent", source: "admin" },
  ]);
  const shown = await adminHtml(t, location(saved));
  assert.match(shown.html, /Annotation added: it shows on the site(&#39;|')s trend charts\./);
  assert.deepEqual(markers(shown.html, "trend-chart").map((m) => m[0]), ["2026-11-18"]);
  const [[id]] = listed(shown.html);

  // Refused fields: a notice naming the field, nothing stored.
  const refusals: [Record<string, string>, string][] = [
    [{ date: "2026-13-01", text: "x" }, "annotation_invalid_date"],
    [{ date: "yesterday", text: "x" }, "annotation_invalid_date"],
    [{ date: "2026-11-18", text: "  " }, "annotation_invalid_text"],
    [{ date: "2026-11-18", text: "x".repeat(501) }, "annotation_invalid_text"],
    [{ date: "2026-11-18", text: "x", site: "nowhere" }, "annotation_no_site"],
  ];
  for (const [fields, notice] of refusals) {
    const res = await add(fields);
    assert.equal(res.status, 303);
    assert.match(location(res), new RegExp(`notice=${notice}$`), JSON.stringify(fields));
  }
  const invalid = await adminHtml(t, `${back}&notice=annotation_invalid_date`);
  assert.match(invalid.html, /Annotation not saved: the date must be a day \(YYYY-MM-DD\)/);
  // A cross-site POST (no same origin) is refused by the CSRF check.
  const forged = await t.request("/admin/annotations", {
    method: "POST",
    headers: {
      cookie: t.cookie,
      origin: "https://evil.example",
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({ action: "add", site: "shop", date: "2026-11-18", text: "evil" }),
  });
  assert.equal(forged.status, 403);
  await forged.body?.cancel();
  assert.equal(stored(t).length, 1);

  // A form for one site cannot delete another site's note.
  const other = note(t, "blog", "2026-11-18", null, "Blog note");
  const stray = await adminPost(t, "/admin/annotations", {
    action: "delete",
    site: "shop",
    id: String(other),
    return_to: back,
  });
  assert.match(location(stray), /notice=annotation_gone$/);
  assert.equal(stored(t).length, 2);

  const deleted = await adminPost(t, "/admin/annotations", {
    action: "delete",
    site: "shop",
    id,
    return_to: back,
  });
  assert.equal(location(deleted), `${back}&notice=annotation_deleted`);
  assert.deepEqual(stored(t).map((r) => r.text), ["Blog note"]);
  const after = await adminHtml(t, location(deleted));
  assert.deepEqual(markers(after.html, "trend-chart"), []);
  assert.deepEqual(listed(after.html), []);
});

Deno.test("annotations admin: public mode shows the markers and notes, with no form", async () => {
  const t = await siteApp({ ECHELON_PUBLIC_MODE: "true" });
  note(t, "shop", "2026-11-17", null, "Launched pricing v2");
  const { status, html } = await adminHtml(t, DASHBOARD);
  assert.equal(status, 200);
  assert.deepEqual(markers(html, "trend-chart"), [
    ["2026-11-17", "300.00", "2026-11-17: Launched pricing v2"],
  ]);
  assert.deepEqual(listed(html).map((n) => n[1]), ["Launched pricing v2"]);
  assert.ok(!html.includes("/admin/annotations"), "no form posts to /admin/annotations");
  assert.doesNotMatch(html, /annotation-add|value="delete"/);
  const refused = await adminPost(t, "/admin/annotations", {
    action: "add",
    site: "shop",
    date: "2026-11-18",
    text: "x",
  });
  assert.equal(refused.status, 403);
  await refused.body?.cancel();
  assert.equal(stored(t).length, 1);
});

Deno.test("annotations admin: the campaign page's daily trend marks its site's notes", async () => {
  const t = await siteApp();
  t.services.db.run(
    "INSERT INTO utm_campaigns (id, name, utm_campaign, site_id) VALUES ('spring', 'Spring', 'spring', 'shop')",
  );
  note(t, "shop", "2026-11-17", null, "Spring mailing");
  note(t, "blog", "2026-11-18", null, "Not this site");
  const { status, html } = await adminHtml(t, `/admin/campaigns/spring?${WEEK}`);
  assert.equal(status, 200);
  // 7 days over the plot (36 to 712): day i's centre is 36 + (i + 0.5) * 676 / 7.
  assert.deepEqual(markers(html, "campaign-trend"), [
    ["2026-11-17", "374.00", "2026-11-17: Spring mailing"],
  ]);
  assert.deepEqual(listed(html).map((n) => n[1]), ["Spring mailing"]);
  assert.doesNotMatch(html, /annotation-add/);
});
