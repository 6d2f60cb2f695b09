// Automatic site registration, bounded: a site first seen on a valid hit is registered while the
// registry holds fewer than ECHELON_MAX_SITES sites and fewer than
// ECHELON_NEW_SITES_PER_HOUR sites were registered by hits in the last hour; past either
// limit, hits for sites not yet registered are dropped with a counted reason. Decided from memory
// on every hit; the store is the truth (counts read on each refresh, and its registration
// re-checks both limits atomically: lib/store/sites.ts registerFromHits), so a restart or another
// instance sharing the database cannot take the registry past them.
import {
  type PendingSite,
  REGISTRATION_WINDOW_MS,
  type RegistrationLimits,
  type SiteStore,
} from "../store/sites.ts";
import type { DropReason } from "./types.ts";

export class SiteRegistrar {
  readonly #limits: RegistrationLimits;
  #pending: PendingSite[] = [];
  /** Sites handed to the store and not yet stored (a flush under way). */
  #writing = 0;
  /** Registry size as last read from the store (the pending sites come on top). */
  #stored = 0;
  /** When the automatic registrations of the window happened (stored and pending), oldest first. */
  #recent: number[] = [];

  constructor(limits: RegistrationLimits) {
    this.#limits = limits;
  }

  /** Why a hit cannot register its new site now, or null when it can. */
  refusal(now: number): Extract<DropReason, "site_limit" | "site_rate_limit"> | null {
    if (this.#stored + this.#writing + this.#pending.length >= this.#limits.maxSites) {
      return "site_limit";
    }
    const since = now - REGISTRATION_WINDOW_MS;
    while (this.#recent.length > 0 && this.#recent[0] <= since) this.#recent.shift();
    if (this.#recent.length >= this.#limits.perHour) return "site_rate_limit";
    return null;
  }

  /** Queues a new site for the next flush (after `refusal` allowed it, or `exempt`). */
  add(siteId: string, now: number, exempt = false): void {
    this.#pending.push({ siteId, at: now, exempt });
    this.#recent.push(now);
  }

  get pending(): number {
    return this.#pending.length;
  }

  /** Re-reads the counts from the store (a job, and after an admin change). */
  async refresh(sites: SiteStore, now: number): Promise<void> {
    const state = await sites.registrationState(now, this.#limits.perHour);
    this.#stored = state.sites;
    this.#recent = [...state.recent, ...this.#pending.map((site) => site.at)].sort((a, b) => a - b);
  }

  /**
   * Writes the queued sites; returns the ids the store refused (the room was taken by another
   * instance meanwhile). On an error the sites stay queued, ahead of those queued since.
   */
  async flush(sites: SiteStore, now: number): Promise<string[]> {
    if (this.#pending.length === 0) return [];
    const batch = this.#pending.splice(0);
    this.#writing += batch.length;
    let refused: string[];
    try {
      refused = await sites.registerFromHits(batch, this.#limits, now);
    } catch (error) {
      this.#writing -= batch.length;
      this.#pending.unshift(...batch);
      throw error;
    }
    try {
      // Counted as written until the registry's new size is read.
      await this.refresh(sites, now);
    } finally {
      this.#writing -= batch.length;
    }
    return refused;
  }
}
