// The evidence step (issue 14 items 2 and 4): for a hit whose proof of work is valid, judges the
// browser evidence sealed into its token (lib/bots/evidence.ts) against the request and adds the
// points as signals. The font verdict depends on the token alone, so it is kept with the token's
// sealed input (a page's hits share one token); the environment is judged per request.
import {
  judgeSealed,
  type RequestView,
  type SealedEvidence,
  sealedSignals,
} from "../bots/evidence.ts";
import type { SealedInput } from "../pow/sound_tokens.ts";
import type { HitBase } from "./hit.ts";
import type { Step } from "./pipeline.ts";
import { addSignals } from "./steps.ts";

/** The view's own screen parameters, when the hit is a view that sent them. */
export type ScreenOf<H> = (hit: H) => { width: number | null; height: number | null } | null;

export function evidenceStep<H extends HitBase>(screenOf: ScreenOf<H> = () => null): Step<H> {
  // A sound token's sealed input → its font verdict and parsed environment. The verifier hands
  // the same SealedInput object to every hit of a token it remembers (lib/pow/sound_tokens.ts),
  // so a page's later hits skip the parse and the glyph fit with one identity lookup instead of
  // hashing the ~300-character token; held weakly, an entry lives exactly as long as the
  // verifier remembers its token (bounded by DEFAULT_SOUND_TOKENS), and a token verified anew
  // brings a new object and is judged anew.
  const judged = new WeakMap<SealedInput, SealedEvidence>();
  return {
    name: "evidence",
    run(hit) {
      const input = hit.powSealed;
      if (hit.powVerdict !== "valid" || !hit.token || !input) return;
      let entry = judged.get(input);
      if (!entry) judged.set(input, entry = judgeSealed(input.evidence, input.salt));
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
