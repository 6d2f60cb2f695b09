// The evidence step (issue 14 items 2 and 4): for a hit whose proof of work is valid, judges the
// browser evidence sealed into its token (lib/bots/evidence.ts) against the request and adds the
// points as signals. The font verdict depends on the token alone, so it is kept per token (a
// page's hits share one token); the environment is judged per request.
import { evidenceSignals, type RequestView } from "../bots/evidence.ts";
import { LruCache } from "../lru.ts";
import { parseToken } from "../pow/mod.ts";
import type { HitBase } from "./hit.ts";
import type { Step } from "./pipeline.ts";
import { addSignals } from "./steps.ts";

/** The view's own screen parameters, when the hit is a view that sent them. */
export type ScreenOf<H> = (hit: H) => { width: number | null; height: number | null } | null;

export function evidenceStep<H extends HitBase>(screenOf: ScreenOf<H> = () => null): Step<H> {
  // Token → [evidence text, salt]; parsing is cheap but a page sends several hits per token.
  const parsed = new LruCache<string, readonly [string | null, string]>(5000);
  return {
    name: "evidence",
    run(hit) {
      if (hit.powVerdict !== "valid" || !hit.token) return;
      let entry = parsed.get(hit.token);
      if (!entry) {
        const token = parseToken(hit.token)!; // valid, so it parses
        parsed.set(hit.token, entry = [token.evidence, token.challenge.salt]);
      }
      const screen = screenOf(hit);
      const request: RequestView = {
        acceptLanguage: hit.facts.headers.get("accept-language"),
        userAgent: hit.facts.userAgent,
        screenWidth: screen?.width,
        screenHeight: screen?.height,
      };
      addSignals(hit, evidenceSignals(entry[0], entry[1], request));
    },
  };
}
