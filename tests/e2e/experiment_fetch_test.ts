// Chromium with the real tracker (issue 17 item 7): `echelon.experiment(id)` without variants
// fetches the experiment's own variants and weights (GET /x?<id>) and applies its allocation —
// a tab outside it gets "" and sends no exposure, a tab inside gets a variant by the server's
// weights and sends one exposure; an experiment that is not running, or unknown, gives "control"
// and no exposure. Each load is a new tab session (sessionStorage cleared), so the allocation
// splits the loads; the weights (1 : 1,000,000) make green all but certain for enrolled tabs.
import assert from "node:assert/strict";
import { changeStatus, createExperiment } from "../../lib/experiments/mod.ts";
import { BROWSER_TEST, openTracker, page } from "./_tracker.ts";

const LOADS = 16;

Deno.test({
  name: "e2e tracker: experiment(id) fetches the weights and enrols only the allocation",
  ...BROWSER_TEST,
  async fn() {
    const h = await openTracker({ pages: { "/": page() }, env: { ECHELON_RATE_LIMIT_MAX: "0" } });
    try {
      const store = h.t.services.store;
      const now = h.t.clock.now;
      for (
        const [id, allocation, start] of [["all-in", 100, true], ["half", 50, true], [
          "drafted",
          100,
          false,
        ]] as const
      ) {
        await createExperiment(store, {
          experiment_id: id,
          name: id,
          site_id: "fixture",
          metric: "signup",
          allocation_percent: allocation,
          variants: [
            { variant_id: "control", weight: 1, is_control: true },
            { variant_id: "green", weight: 1_000_000 },
          ],
        }, now);
        if (start) await changeStatus(store, { id, to: "active", now });
      }
      type Api = { experiment(id: string, v?: unknown[]): string | Promise<string> };
      const half: string[] = [];
      let exposures = 0;
      for (let i = 0; i < LOADS; i++) {
        await h.page.goto(h.site + "/");
        const got = await h.page.evaluate(async () => {
          const api = (window as unknown as { echelon: Api }).echelon;
          const ids = ["all-in", "half", "drafted", "missing"];
          const answers = ids.map((id) => api.experiment(id));
          const sync = answers.map((a) => typeof a);
          return {
            sync,
            variants: await Promise.all(answers),
            again: await api.experiment("half"),
          };
        });
        assert.deepEqual(got.sync, ["object", "object", "object", "object"], "promises");
        const [allIn, halfVariant, drafted, missing] = got.variants;
        assert.deepEqual([allIn, drafted, missing], ["green", "control", "control"]);
        assert.ok(halfVariant === "green" || halfVariant === "", JSON.stringify(got));
        assert.equal(got.again, halfVariant, "the same tab keeps its variant");
        half.push(halfVariant);
        exposures += halfVariant === "green" ? 2 : 1;
        await h.waitFor(() => h.events("exposure").length === exposures, `exposures of load ${i}`);
        // A new tab session for the next load.
        await h.page.evaluate(() => sessionStorage.clear());
      }
      const enrolled = half.filter((v) => v === "green").length;
      assert.ok(enrolled > 0 && enrolled < LOADS, `${enrolled} of ${LOADS} enrolled at 50 %`);
      const rows = (await h.stored()).events.filter((r) => r.event_type === "exposure");
      const by = (id: string) => rows.filter((r) => r.experiment_id === id);
      assert.equal(by("all-in").length, LOADS);
      assert.equal(by("half").length, enrolled, "tabs outside the allocation send no exposure");
      assert.ok(rows.every((r) => r.variant_id === "green"), "no exposure for control or none");
      assert.equal(by("drafted").length + by("missing").length, 0);
      assert.equal(new Set(by("all-in").map((r) => r.session_id)).size, LOADS, "a tab each");
      assert.deepEqual(h.browser.errors, []);
    } finally {
      await h.close();
    }
  },
});
