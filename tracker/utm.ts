// UTM attribution for this tab: read from the landing URL when it names a campaign, kept in
// sessionStorage `_eutm` and re-read on every SPA navigation.
import { session } from "./util.ts";

/** campaign, source, medium, content, term — the order of the beacon's uc, us, um, uct, ut. */
export let utm: string[] = [];

export function readUtm(): void {
  const query = new URLSearchParams(location.search);
  try {
    utm = query.get("utm_campaign")
      ? ["campaign", "source", "medium", "content", "term"].map((name) =>
        (query.get("utm_" + name) || "").slice(0, 256)
      )
      : JSON.parse(session("_eutm")!) || [];
    session("_eutm", JSON.stringify(utm));
  } catch {
    // Nothing (valid) stored: no campaign.
  }
}
