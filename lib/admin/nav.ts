// The admin navigation as data: the shell renders whatever is listed here, so a new page is one
// entry (Experiments, Campaigns and Performance join when their pages land).

export interface NavItem {
  href: string;
  label: string;
  /** Also current for paths under these prefixes (detail pages). */
  prefixes?: readonly string[];
  /** Keeps the site/period selection in the link. */
  keepsSelection: boolean;
}

export const ADMIN_NAV: readonly NavItem[] = [
  { href: "/admin", label: "Dashboard", keepsSelection: true },
  { href: "/admin/realtime", label: "Realtime", keepsSelection: true },
  { href: "/admin/journeys", label: "Journeys", keepsSelection: true },
  {
    href: "/admin/visitors",
    label: "Visitors",
    prefixes: ["/admin/visitors/"],
    keepsSelection: true,
  },
  { href: "/admin/views", label: "Page views", keepsSelection: true },
  { href: "/admin/events", label: "Events", keepsSelection: true },
  { href: "/admin/bots", label: "Bots", prefixes: ["/admin/bots/"], keepsSelection: true },
  {
    href: "/admin/campaigns",
    label: "Campaigns",
    prefixes: ["/admin/campaigns/"],
    keepsSelection: true,
  },
  {
    href: "/admin/experiments",
    label: "Experiments",
    prefixes: ["/admin/experiments/"],
    keepsSelection: false,
  },
  { href: "/admin/perf", label: "Performance", keepsSelection: false },
  { href: "/admin/sites", label: "Sites", prefixes: ["/admin/sites/"], keepsSelection: false },
  { href: "/admin/settings", label: "Settings", keepsSelection: false },
];

export function isCurrent(item: NavItem, path: string): boolean {
  const clean = path.length > 1 ? path.replace(/\/+$/, "") : path;
  return clean === item.href || (item.prefixes ?? []).some((p) => clean.startsWith(p));
}
