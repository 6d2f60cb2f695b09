// The evidence step (issue 14 items 2 and 4): for a hit whose proof of work is valid, judges the
// browser evidence sealed into its token (lib/bots/evidence.ts) against the request and adds the
// points as signals. The font verdict depends on the token alone, so it is kept per token (a
// page's hits share one token); the environment is judged per request.
import {
  judgeSealed,
  type RequestView,
  type SealedEvidence,
  sealedSignals,
} from "../bots/evidence.ts";
import { LruCache } from "../lru.ts";
import type { HitBase } from "./hit.ts";
import type { Step } from "./pipeline.ts";
import { addSignals } from "./steps.ts";

/**
 * Tokens whose verdict is kept: more than a second of hits at the pixel bench's 8k hits/s, so a
 * page's later hits (seconds apart) find theirs; entries hold the environment, not the widths.
 */
export const SEALED_CACHE_ENTRIES = 20_000;

/** The view's own screen parameters, when the hit is a view that sent them. */
export type ScreenOf<H> = (hit: H) => { width: number | null; height: number | null } | null;

export function evidenceStep<H extends HitBase>(screenOf: ScreenOf<H> = () => null): Step<H> {
  // Token → the font verdict and parsed evidence: a page sends several hits per token, and the
  // parse and font fit are most of the step's cost (bench/pixel_micro.ts --profile).
  const sealed = new LruCache<string, SealedEvidence>(SEALED_CACHE_ENTRIES);
  return {
    name: "evidence",
    run(hit) {
      const input = hit.powSealed;
      if (hit.powVerdict !== "valid" || !hit.token || !input) return;
      let entry = sealed.get(hit.token);
      if (!entry) sealed.set(hit.token, entry = judgeSealed(input.evidence, input.salt));
      const screen = screenOf(hit);
      const request: RequestView = {
        acceptLanguage: hit.facts.headers.get("accept-language"),
        userAgent: hit.facts.userAgent,
        screenWidth: screen?.width,
        screenHeight: screen?.height,
      };
      addSignals(hit, sealedSignals(entry, request));
    },
  };
}
