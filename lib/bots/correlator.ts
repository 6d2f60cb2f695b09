// The bot correlator (reference §4.4, issue 4 item 6): a periodic sweep that raises the stored
// scores of visitors who look like one machine spread over many identities, and of page views
// that never sent a behaviour event. Both penalties are recorded in the score detail, once.
//
// We never store IPs, not even hashed, so clusters cannot count distinct IPs as the reference does.
// They count distinct visitor ids instead: a cookieless id is HMAC(daily key, ip | ua | site)
// (docs/architecture.md, decision 5), so within one site and day a new id means a new IP or a new
// UA string, and members of a cluster already share the UA-derived part of the fingerprint —
// distinct ids are our stand-in for distinct IPs. (One IP rotating UA strings that parse alike also
// counts several times; that is bot-like too.) Cookie-mode ids are per browser and count the same
// way. Without Accept-Language (not stored) the fingerprint is coarse: on a busy site many real
// visitors share browser, OS, screen and country. Only page views without a valid proof of work are
// therefore candidates, so honest browsers running the tracker are never clustered.
import type { Job } from "../jobs.ts";
import type { BotStore } from "../store/bots.ts";
import type { Store } from "../store/types.ts";

/** What a sweep asks of the store's bots area. */
export type CorrelatorStore = Pick<
  BotStore,
  "fingerprintClusters" | "penalizeCluster" | "penalizeEventless"
>;

/** Prints considered per sweep: page views of the last 20 minutes. */
export const CORRELATION_WINDOW_MS = 20 * 60_000;
export const CORRELATION_EVERY_MS = 2 * 60_000;
/** Distinct visitors sharing a fingerprint on one site that make a cluster… */
export const MIN_CLUSTER_VISITORS = 6;
/** …or fewer when a member already scored as a bot on its own. */
export const MIN_TAINTED_CLUSTER_VISITORS = 4;
/** From this size (or when tainted) a cluster gets the higher penalty. */
export const LARGE_CLUSTER_VISITORS = 8;
export const CLUSTER_POINTS = 30;
export const LARGE_CLUSTER_POINTS = 50;
/**
 * A cluster's penalty rewrites its members' rows of the last day, not only those in the window:
 * a cookieless id lives one UTC day, and cookie-mode histories older than that stay untouched.
 */
export const CORRELATION_LOOKBACK_MS = 24 * 3_600_000;

/** Views at least this old without any event from their visitor get the no-event penalty… */
export const NO_EVENT_MIN_AGE_MS = 5 * 60_000;
/** …until this age (older rows are left as they are, so the sweep stays bounded). */
export const NO_EVENT_MAX_AGE_MS = 30 * 60_000;
export const NO_EVENT_POINTS = 15;

export interface ClusterOutcome {
  siteId: string;
  fingerprint: string;
  size: number;
  tainted: boolean;
  penalty: number;
  views: number;
  events: number;
}

export interface CorrelationOutcome {
  clusters: ClusterOutcome[];
  noEventViews: number;
}

/** The penalty for a cluster of `size` distinct visitors, or null when it is no cluster. */
export function clusterPenalty(size: number, tainted: boolean): number | null {
  if (size < (tainted ? MIN_TAINTED_CLUSTER_VISITORS : MIN_CLUSTER_VISITORS)) return null;
  return tainted || size >= LARGE_CLUSTER_VISITORS ? LARGE_CLUSTER_POINTS : CLUSTER_POINTS;
}

/**
 * One sweep at `now`: no-event penalty first (as the reference does), then clusters. Safe to
 * repeat: rows already penalised are skipped by the store, so a crash between steps loses nothing.
 */
export async function correlateBots(
  bots: CorrelatorStore,
  now: number,
): Promise<CorrelationOutcome> {
  const iso = (ms: number) => new Date(ms).toISOString();
  const noEventViews = await bots.penalizeEventless({
    from: iso(now - NO_EVENT_MAX_AGE_MS),
    to: iso(now - NO_EVENT_MIN_AGE_MS),
    points: NO_EVENT_POINTS,
  });

  const clusters: ClusterOutcome[] = [];
  const candidates = await bots.fingerprintClusters({
    since: iso(now - CORRELATION_WINDOW_MS),
    // Rows stamped slightly ahead (another instance's clock) still belong to this sweep.
    until: iso(now + 60_000),
    minVisitors: MIN_TAINTED_CLUSTER_VISITORS,
  });
  for (const cluster of candidates) {
    const size = cluster.visitorIds.length;
    const penalty = clusterPenalty(size, cluster.tainted);
    if (penalty === null) continue;
    const changed = await bots.penalizeCluster({
      siteId: cluster.siteId,
      visitorIds: cluster.visitorIds,
      penalty,
      clusterSize: size,
      fingerprint: cluster.fingerprint,
      since: iso(now - CORRELATION_LOOKBACK_MS),
    });
    clusters.push({
      siteId: cluster.siteId,
      fingerprint: cluster.fingerprint,
      size,
      tainted: cluster.tainted,
      penalty,
      ...changed,
    });
  }
  return { clusters, noEventViews };
}

/** The sweep every CORRELATION_EVERY_MS, on the store's bots area. */
export function correlatorJob(deps: { store: Pick<Store, "bots">; now: () => number }): Job {
  return {
    name: "bot-correlator",
    everyMs: CORRELATION_EVERY_MS,
    run: async () => {
      await correlateBots(deps.store.bots, deps.now());
    },
  };
}
