// The country map of the dashboard: a server-rendered SVG world map (no script needed), each
// country shaded by its visitors (lib/admin/country_map.ts), those with visitors linking to the
// dashboard filtered by them, a <title> per country with its name and figure, and a legend.
// Screen readers get the map as one image with a summary; the countries table stays beside it.
// Colours are classes, not style attributes: the admin CSP forbids inline styles.
import type { CountryMapModel, CountryMapUnavailable } from "../lib/admin/country_map.ts";
import { MAP_VIEWBOX } from "../lib/admin/country_map.ts";

/** Fill of each shade, 0 (no visitors) to 5: literal class names, so Tailwind keeps them. */
const SHADE_CLASSES = [
  "fill-slate-200 dark:fill-slate-800",
  "fill-indigo-200 dark:fill-indigo-900",
  "fill-indigo-300 dark:fill-indigo-800",
  "fill-indigo-400 dark:fill-indigo-600",
  "fill-indigo-600 dark:fill-indigo-400",
  "fill-indigo-800 dark:fill-indigo-300",
] as const;

const numbers = new Intl.NumberFormat("en-US");
const visitorsText = (n: number) => `${numbers.format(n)} visitor${n === 1 ? "" : "s"}`;

export interface CountryMapProps {
  id?: string;
  map: CountryMapModel | CountryMapUnavailable;
  /** Where a country links: the dashboard filtered by its code. */
  href: (code: string) => string;
}

export function CountryMap(props: CountryMapProps) {
  const id = props.id ?? "country-map";
  if ("unavailable" in props.map) {
    return (
      <p id={`${id}-unavailable`} class="text-xs text-slate-500">
        No map this time: {props.map.unavailable}
      </p>
    );
  }
  const { countries, offMap, legend } = props.map;
  const visited = countries.filter((c) => c.visitors > 0).sort((a, b) => b.visitors - a.visitors);
  const summary = visited.length === 0
    ? "World map: no visitors in this period."
    : `World map of visitors by country: ${
      visited.slice(0, 5).map((c) => `${c.name} ${visitorsText(c.visitors)}`).join(", ")
    }${visited.length > 5 ? `, and ${visited.length - 5} more countries` : ""}.`;
  return (
    <figure id={id} class="space-y-2">
      <svg
        viewBox={MAP_VIEWBOX}
        class="h-auto w-full"
        role="img"
        aria-label={summary}
      >
        {/* Unshaded fill and the borders are inherited from the group: 235 paths, bytes count. */}
        <g class={`${SHADE_CLASSES[0]} stroke-white dark:stroke-slate-900`} stroke-width="0.5">
          {countries.map((c) => {
            const shape = (
              <path d={c.d} class={c.shade ? SHADE_CLASSES[c.shade] : undefined}>
                <title>
                  {`${c.name}: ${c.visitors ? visitorsText(c.visitors) : "no visitors"}`}
                </title>
              </path>
            );
            if (c.visitors === 0) return shape;
            return (
              <a
                href={props.href(c.code)}
                data-country={c.code}
                data-visitors={c.visitors}
                data-shade={c.shade}
                class="hover:opacity-80 focus:opacity-80"
              >
                {shape}
              </a>
            );
          })}
        </g>
      </svg>
      <figcaption class="flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-slate-500">
        {legend.length > 0 && (
          <ol class="flex flex-wrap items-center gap-x-3" id={`${id}-legend`} aria-label="Legend">
            {legend.map((step) => (
              <li class="flex items-center gap-1" data-shade={step.shade}>
                <svg viewBox="0 0 10 10" class="h-3 w-3" aria-hidden="true">
                  <rect width="10" height="10" rx="2" class={SHADE_CLASSES[step.shade]} />
                </svg>
                <span>
                  {step.from === step.to
                    ? numbers.format(step.from)
                    : `${numbers.format(step.from)}–${numbers.format(step.to)}`}
                </span>
              </li>
            ))}
            <li>visitors</li>
          </ol>
        )}
        {offMap.length > 0 && (
          <span id={`${id}-off-map`}>
            Not on the map: {offMap.map((c) => `${c.name} (${numbers.format(c.visitors)})`)
              .join(", ")}
          </span>
        )}
      </figcaption>
    </figure>
  );
}
