// Deleting a site (DELETE /api/sites/:id, the admin's delete page, the CLI: lib/db/sites.ts
// deleteSite) removes its configuration with it — goals, funnels, saved segments and annotations —
// whether or not its data is purged, and leaves another site's alone: a site registered again under
// the same id starts without the old one's.
import assert from "node:assert/strict";
import { fixtureApp, send } from "./_api_fixture.ts";

const TABLES = ["goals", "funnels", "segments", "annotations"] as const;

for (const purge of [false, true]) {
  Deno.test(`deleting a site removes its goals, funnels, segments and annotations (purge_data: ${purge})`, async () => {
    const t = await fixtureApp();
    for (const site of ["shop", "other"]) {
      const made = [
        await send(t, "POST", "/api/goals", { site_id: site, name: "G", kind: "page", page: "/" }),
        await send(t, "POST", "/api/funnels", {
          site_id: site,
          name: "F",
          steps: [{ page: "/" }, { page: "/pricing" }],
        }),
        await send(t, "POST", "/api/segments", {
          site_id: site,
          name: "S",
          filters: [["is", "visit:country", ["FI"]]],
        }),
        await send(t, "POST", "/api/annotations", { site_id: site, date: "2026-11-19", text: "A" }),
      ];
      for (const res of made) assert.equal(res.status, 201, JSON.stringify(res.body));
    }
    const removed = await send(t, "DELETE", `/api/sites/shop${purge ? "?purge_data=true" : ""}`);
    assert.equal(removed.status, 200, JSON.stringify(removed.body));
    for (const table of TABLES) {
      const sites = t.services.db.all<{ site_id: string }>(`SELECT site_id FROM ${table}`)
        .map((r) => r.site_id);
      assert.deepEqual(sites, ["other"], table);
    }
  });
}
