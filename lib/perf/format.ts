// Number formatting for benchmark values and changes on /admin/perf: up to four significant
// digits below 1000, grouped thousands above, and a signed percentage for changes.
const grouped = new Intl.NumberFormat("en-US", { maximumFractionDigits: 1 });
const precise = new Intl.NumberFormat("en-US", { maximumSignificantDigits: 4 });

export function formatPerfNumber(value: number): string {
  return Math.abs(value) >= 1000 ? grouped.format(value) : precise.format(value);
}

export function formatPerfValue(value: number, unit: string): string {
  return `${formatPerfNumber(value)} ${unit}`;
}

/** "+12.5 %", "−3 %", "0 %"; "—" when there is no percentage. */
export function formatChangePct(pct: number | null): string {
  if (pct === null) return "—";
  const rounded = Math.round(pct * 10) / 10;
  if (rounded === 0) return "0 %";
  return `${rounded > 0 ? "+" : "−"}${Math.abs(rounded)} %`;
}
