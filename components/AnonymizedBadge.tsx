// The "anonymised" badge of a site in ECHELON_ANONYMIZE_SITES (sites list and site page).
export function AnonymizedBadge() {
  return (
    <span
      data-anonymized="true"
      title="ECHELON_ANONYMIZE_SITES: identifiers, paths, referrers, countries and devices are mapped before storage"
      class="inline-block rounded-full bg-violet-100 px-2 py-0.5 text-xs font-medium text-violet-800 dark:bg-violet-950 dark:text-violet-200"
    >
      anonymised
    </span>
  );
}
