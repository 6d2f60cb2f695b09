// The dashboard's top-list cards, drawn from their declaration (lib/admin/dashboard_lists.ts, the
// registry's lists among them): each card's tables, a row of a dimension's list linking to the
// dashboard with that row's filter added.
import type { CountryMapModel, CountryMapUnavailable } from "../lib/admin/country_map.ts";
import type { NarrowedPart } from "../lib/admin/dashboard.ts";
import type { DashboardCard, DashboardList } from "../lib/admin/dashboard_lists.ts";
import type { Overview } from "../lib/stats/overview.ts";
import { CountryMap } from "./CountryMap.tsx";
import { RankTable, TopCard } from "./TopList.tsx";

export interface DashboardCardsProps {
  cards: readonly DashboardCard[];
  overview: Overview;
  /** False for the parts a filter does not narrow (left out). */
  shows: (part: NarrowedPart) => boolean;
  /** The dashboard with `dimension is value` added; null when the value has no filter. */
  filterHref: (dimension: string, value: string) => string | null;
  countryMap: CountryMapModel | CountryMapUnavailable;
}

export function DashboardCards(props: DashboardCardsProps) {
  const { overview, shows } = props;
  const shown = (part?: NarrowedPart) => part === undefined || shows(part);
  return (
    <>
      {props.cards.filter((card) => shown(card.part)).map((card) => {
        const lists = card.lists.filter((list) => shown(list.part))
          .map((list) => ({ list, rows: list.rows(overview) }));
        if (card.hideEmpty && lists.every((l) => l.rows.length === 0)) return null;
        return (
          <TopCard id={card.id} title={card.title} subtitle={card.subtitle}>
            {card.map && (
              <CountryMap
                map={props.countryMap}
                href={(code) => props.filterHref("visit:country", code) ?? ""}
              />
            )}
            {lists.map(({ list, rows }) => (
              <ListTable list={list} rows={rows} filterHref={props.filterHref} />
            ))}
          </TopCard>
        );
      })}
    </>
  );
}

function ListTable(
  props: {
    list: DashboardList;
    rows: ReturnType<DashboardList["rows"]>;
    filterHref: DashboardCardsProps["filterHref"];
  },
) {
  const { list } = props;
  const dimension = list.dimension;
  return (
    <RankTable
      id={list.table}
      heading={list.heading}
      columns={list.columns}
      mono={list.mono}
      empty={list.empty}
      rows={props.rows.map((r) => ({
        label: r.value,
        display: r.display,
        value: r.count,
        secondary: r.secondary,
        href: dimension !== null && r.linked !== false
          ? props.filterHref(dimension, r.value)
          : null,
      }))}
    />
  );
}
