// Network detectors (issue 14 items 4 and 7): a hit from a hosting network scores `hosting`, and
// `hosting_low_work` when its valid token was solved at less than the hosting difficulty; a JA4
// TLS fingerprint from a trusted proxy that no browser sends scores `tls_fingerprint`.
import { HOSTING_LOW_WORK_POINTS, HOSTING_POINTS } from "../bots/hosting_networks.ts";
import { judgeJa4, TLS_FINGERPRINT_POINTS } from "../bots/tls_fingerprint.ts";
import type { HitBase } from "./hit.ts";
import type { Step } from "./pipeline.ts";
import { addSignals, type CollectorDeps } from "./steps.ts";

/** The least difficulty a challenge issued to a hosting client has (routes/c.ts). */
export function hostingDifficulty(deps: Pick<CollectorDeps, "config">): number {
  return deps.config.powDifficulty + deps.config.hostingPowBits;
}

/** Runs after the proof-of-work step: it reads the verdict and the token's difficulty. */
export function hostingStep<H extends HitBase>(deps: CollectorDeps): Step<H> {
  const required = hostingDifficulty(deps);
  const checkWork = deps.config.hostingPowBits > 0;
  const hosting = Object.freeze({ hosting: HOSTING_POINTS });
  const lowWork = Object.freeze({
    hosting: HOSTING_POINTS,
    hosting_low_work: HOSTING_LOW_WORK_POINTS,
  });
  return {
    name: "hosting",
    run(hit) {
      if (deps.hosting.hostingAsn(hit.facts.ip) === null) return;
      // The verifier's difficulty: a valid verdict means the challenge, and so it, is authentic.
      const solved = checkWork && hit.powVerdict === "valid" ? hit.powDifficulty : null;
      addSignals(hit, solved !== null && solved < required ? lowWork : hosting);
    },
  };
}

/** Reads the JA4 header only from a trusted proxy (ECHELON_TLS_FINGERPRINT_HEADER). */
export function tlsFingerprintStep<H extends HitBase>(deps: CollectorDeps): Step<H> {
  const header = deps.config.tlsFingerprintHeader;
  const signal = Object.freeze({ tls_fingerprint: TLS_FINGERPRINT_POINTS });
  return {
    name: "tls_fingerprint",
    run(hit) {
      if (header === null || !hit.facts.viaTrustedProxy) return;
      const ja4 = hit.facts.headers.get(header);
      if (ja4 === null) return;
      if (judgeJa4(ja4, hit.userAgent) !== null) addSignals(hit, signal);
    },
  };
}
