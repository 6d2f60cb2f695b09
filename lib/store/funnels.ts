// The funnels area of the store (lib/store/types.ts): per site, a name and the funnel's definition
// (lib/query/funnels.ts), checked before it is stored.
import type { FunnelSpec, FunnelStep } from "../query/funnels.ts";

export interface FunnelRecord extends FunnelSpec {
  id: number;
  site_id: string;
  name: string;
  steps: FunnelStep[];
  /** ISO instant. */
  created_at: string;
}

export interface NewFunnel extends FunnelSpec {
  siteId: string;
  name: string;
}

export interface FunnelStore {
  /** Every funnel (of one site when `siteId` is given), by site and name. */
  list(siteId: string | null): Promise<FunnelRecord[]>;
  get(id: number): Promise<FunnelRecord | null>;
  /** Stores a funnel: its record, "conflict" when the site already has one of that name, or
   * "full" when it has as many as a site may (MAX_FUNNELS_PER_SITE). */
  create(funnel: NewFunnel): Promise<FunnelRecord | "conflict" | "full">;
  /** Replaces a funnel's definition: its record, "missing" or "conflict" (the name is taken). */
  update(
    id: number,
    funnel: Omit<NewFunnel, "siteId">,
  ): Promise<FunnelRecord | "missing" | "conflict">;
  /** False when it did not exist. */
  delete(id: number): Promise<boolean>;
}
