// Automatic site registration, bounded: a site first seen on a valid hit is registered while the
// registry holds fewer than ECHELON_MAX_SITES sites and fewer than
// ECHELON_NEW_SITES_PER_HOUR sites were registered by hits in the last hour; past either
// limit, hits for sites not yet registered are dropped with a counted reason. Decided from memory
// on every hit; the database is the truth (counts read on each refresh, and the insert re-checks
// both limits in one transaction), so a restart or another instance sharing the database cannot
// take the registry past them.
import {
  type PendingSite,
  registerSites,
  REGISTRATION_WINDOW_MS,
  type RegistrationLimits,
  registrationState,
} from "../db/sites.ts";
import type { Database } from "../db/database.ts";
import type { DropReason } from "./types.ts";

export class SiteRegistrar {
  readonly #limits: RegistrationLimits;
  #pending: PendingSite[] = [];
  /** Registry size as last read from the database (the pending sites come on top). */
  #stored = 0;
  /** When the automatic registrations of the window happened (stored and pending), oldest first. */
  #recent: number[] = [];

  constructor(limits: RegistrationLimits) {
    this.#limits = limits;
  }

  /** Why a hit cannot register its new site now, or null when it can. */
  refusal(now: number): Extract<DropReason, "site_limit" | "site_rate_limit"> | null {
    if (this.#stored + this.#pending.length >= this.#limits.maxSites) return "site_limit";
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

  /** Re-reads the counts from the database (a job, and after an admin change). */
  refresh(db: Database, now: number): void {
    const state = registrationState(db, now, this.#limits.perHour);
    this.#stored = state.sites;
    this.#recent = [...state.recent, ...this.#pending.map((site) => site.at)].sort((a, b) => a - b);
  }

  /**
   * Writes the queued sites; returns the ids the database refused (the room was taken by another
   * instance meanwhile). On an error the sites stay queued.
   */
  flush(db: Database, now: number): string[] {
    if (this.#pending.length === 0) return [];
    const sites = this.#pending.splice(0);
    let refused: string[];
    try {
      refused = registerSites(db, sites, this.#limits, now);
    } catch (error) {
      this.#pending.unshift(...sites);
      throw error;
    }
    this.refresh(db, now);
    return refused;
  }
}
