// Hosting networks: the data-centre, cloud and VPS autonomous systems whose visitors score the
// `hosting` signal and get harder proof-of-work challenges (issue 14 item 4). The list itself is
// data (hosting_networks.json: its source, date and what it leaves out on purpose); the operator
// adds or removes networks with ECHELON_HOSTING_ASNS (lib/config.ts).
import data from "./hosting_networks.json" with { type: "json" };

export interface HostingNetwork {
  asn: number;
  name: string;
}

/** The bundled list (see hosting_networks.json for its source and date). */
export const HOSTING_NETWORKS: readonly HostingNetwork[] = Object.freeze(data.networks);
export const HOSTING_NETWORKS_UPDATED: string = data.updated;

/**
 * Points for a hit from a hosting network. Alone they never exclude (threshold 50): a person
 * behind a corporate VPN or a cloud desktop is on such a network, and so are privacy VPNs.
 */
export const HOSTING_POINTS = 15;

/**
 * Points for a hit from a hosting network whose valid token was solved at less than the hosting
 * difficulty: the challenge went to another network (a residential proxy fetched it, the solving
 * happened elsewhere). With HOSTING_POINTS they reach the threshold: not counted as human.
 */
export const HOSTING_LOW_WORK_POINTS = 35;

/** The operator's changes to the list: ASNs to add and to remove (ECHELON_HOSTING_ASNS). */
export interface HostingAsnOverrides {
  add: readonly number[];
  remove: readonly number[];
}

/** The bundled ASNs with the operator's additions, minus the removals. */
export function hostingAsns(overrides: HostingAsnOverrides): Set<number> {
  const asns = new Set(HOSTING_NETWORKS.map((network) => network.asn));
  for (const asn of overrides.add) asns.add(asn);
  for (const asn of overrides.remove) asns.delete(asn);
  return asns;
}
