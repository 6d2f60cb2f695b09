// The site and period selectors: GET forms and links (no JavaScript), which keep the page's own
// filters and drop its paging cursor, so every choice is a shareable URL (presets as `?period=` or
// `?days=`, lib/admin/period.ts); days are the selected site's local days. The site selector is a
// <select> of every site while they fit in the frame's bounded choices, else a text field with
// those as suggestions and a link to search them all: the page never grows with the sites.
import type { AdminFrame } from "../lib/admin/frame.ts";
import type { SiteOption } from "../lib/store/sites.ts";
import { adminHref, PERIOD_CHOICES, presetPeriod, selectionParams } from "../lib/admin/period.ts";
import { formatNumber } from "../lib/admin/format.ts";
import { FILTER_PARAM } from "../lib/admin/period.ts";
import { BUTTON_SECONDARY, HiddenFields, INPUT, LINK } from "./ui.tsx";

export function SelectionBar(props: { frame: AdminFrame }) {
  const { frame } = props;
  const { selection, path, keep } = frame;
  const period = selection.period;
  const keepParams = Object.fromEntries(keep);
  const withoutSite = [...selectionParams(selection)].filter(([name]) => name !== "site");
  const withoutPeriod = [...selectionParams(selection)].filter(([name]) =>
    name === "site" || name === FILTER_PARAM
  );
  return (
    <div class="flex flex-wrap items-end gap-3" id="selection">
      <form method="get" action={path} class="flex items-center gap-2" id="site-form">
        <SiteChooser frame={frame} />
        <HiddenFields params={[...withoutSite, ...keep]} />
        <button type="submit" class={BUTTON_SECONDARY}>Apply</button>
      </form>

      <nav aria-label="Period" class="flex flex-wrap items-center gap-1" id="period-choices">
        {PERIOD_CHOICES.map((choice) => {
          const active = period.preset === choice.key;
          // Only the preset's URL form matters here: "All time" needs no first view to link.
          const choicePeriod = presetPeriod(choice, frame.now, period.timeZone);
          const choiceSelection = { ...selection, period: choicePeriod };
          const href = adminHref(path, choiceSelection, keepParams);
          return (
            <a
              href={href}
              data-period={choice.key}
              aria-current={active ? "true" : undefined}
              class={active
                ? "rounded-md bg-indigo-600 px-2.5 py-1 text-sm font-medium text-white"
                : "rounded-md px-2.5 py-1 text-sm text-slate-600 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800"}
            >
              {choice.label}
            </a>
          );
        })}
      </nav>

      <details class="relative" open={period.preset === null && period.days === null}>
        <summary class="cursor-pointer list-none rounded-md px-2.5 py-1 text-sm text-slate-600 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800">
          {period.preset === null && period.days === null ? period.label : "Custom…"}
        </summary>
        <form
          method="get"
          action={path}
          id="range-form"
          class="mt-2 flex flex-wrap items-end gap-2 rounded-lg border border-slate-200 bg-white p-3 dark:border-slate-800 dark:bg-slate-900"
        >
          <label class="text-sm">
            <span class="block text-xs text-slate-500">From</span>
            <input type="date" name="from" value={period.from} class={INPUT} required />
          </label>
          <label class="text-sm">
            <span class="block text-xs text-slate-500">To</span>
            <input type="date" name="to" value={period.to} class={INPUT} required />
          </label>
          <HiddenFields params={[...withoutPeriod, ...keep]} />
          <button type="submit" class={BUTTON_SECONDARY}>Apply</button>
        </form>
      </details>
      {period.timeZone !== "UTC" && (
        <span class="text-xs text-slate-500" id="period-zone">Days in {period.timeZone}</span>
      )}
    </div>
  );
}

const label = (site: SiteOption) => site.name ? `${site.name} (${site.site_id})` : site.site_id;

/** The site field of the selector form (named `site`). */
export function SiteChooser(props: { frame: AdminFrame }) {
  const { selection, sites } = props.frame;
  const known = new Set(sites.options.map((s) => s.site_id));
  const current = selection.site !== null && !known.has(selection.site)
    ? sites.current ?? { site_id: selection.site, name: null }
    : null;
  if (sites.total <= sites.options.length) {
    return (
      <>
        <label for="site-select" class="text-sm text-slate-500">Site</label>
        <select id="site-select" name="site" class={`${INPUT} w-44`}>
          <option value="" selected={selection.site === null}>All sites</option>
          {sites.options.map((site) => (
            <option value={site.site_id} selected={site.site_id === selection.site}>
              {label(site)}
            </option>
          ))}
          {current && <option value={current.site_id} selected>{label(current)}</option>}
        </select>
      </>
    );
  }
  return (
    <>
      <label for="site-search" class="text-sm text-slate-500">Site</label>
      <input
        id="site-search"
        name="site"
        list="site-choices"
        value={selection.site ?? ""}
        placeholder="All sites, or a site id"
        maxLength={64}
        class={`${INPUT} w-44`}
      />
      <datalist id="site-choices">
        {sites.options.map((site) => (
          <option key={site.site_id} value={site.site_id}>{label(site)}</option>
        ))}
        {current && <option value={current.site_id}>{label(current)}</option>}
      </datalist>
      <a class={`${LINK} text-sm`} href="/admin/sites" title="Search every site">
        {formatNumber(sites.total)} sites
      </a>
    </>
  );
}
