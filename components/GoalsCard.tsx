// The dashboard's Goals card (lib/admin/goals_card.ts): each goal's converted visitors, conversion
// rate (and its change in points from the previous period) and conversions; a goal's name links to
// the dashboard filtered to the visits that converted. Without goals it says where to add one.
import type { GoalsCardModel } from "../lib/admin/goals_card.ts";
import { formatNumber } from "../lib/admin/format.ts";
import { DataTable, EmptyRow, Td, Th } from "./DataTable.tsx";
import { TopCard } from "./TopList.tsx";
import { LINK } from "./ui.tsx";

export function GoalsCard(
  props: {
    model: GoalsCardModel;
    /** The dashboard filtered to a goal's conversions. */
    filterHref: (goal: string) => string | null;
    /** Where the site's goals are managed (null: read-only, not offered). */
    manageHref: string | null;
    /** The site's funnels and retention cohorts (the dashboard links them here). */
    funnelsHref?: string;
    retentionHref?: string;
  },
) {
  const { model } = props;
  const withRevenue = "goals" in model && model.goals.some((g) => g.revenue !== null);
  return (
    <TopCard
      id="goals"
      title="Goals"
      subtitle="Visitors who converted, and their share of the visitors, under these filters."
    >
      {"unavailable" in model
        ? (
          <p class="text-sm text-slate-500">
            Goals are not available right now: {model.unavailable}
          </p>
        )
        : (
          <DataTable
            id="goals-table"
            caption="Goals"
            head={
              <>
                <Th>Goal</Th>
                <Th numeric>Visitors</Th>
                <Th numeric>Rate</Th>
                <Th numeric>Change</Th>
                <Th numeric>Conversions</Th>
                {withRevenue && <Th numeric>Revenue</Th>}
              </>
            }
          >
            {model.goals.length === 0 && (
              <EmptyRow columns={5}>
                No goals yet.{" "}
                {props.manageHref && <a class={LINK} href={props.manageHref}>Add a goal</a>}
              </EmptyRow>
            )}
            {model.goals.map((g) => {
              const href = props.filterHref(g.name);
              return (
                <tr data-goal={g.name}>
                  <Td title={g.description}>
                    {href ? <a class={LINK} href={href}>{g.name}</a> : g.name}
                  </Td>
                  <Td numeric>{formatNumber(g.visitors)}</Td>
                  <Td numeric>{`${g.rate.toFixed(1)}%`}</Td>
                  <Td numeric>
                    {g.rateChange === null
                      ? "—"
                      : `${g.rateChange > 0 ? "+" : ""}${g.rateChange.toFixed(1)} pts`}
                  </Td>
                  <Td numeric>{formatNumber(g.conversions)}</Td>
                  {withRevenue && (
                    <Td numeric>
                      {g.revenue ? `${g.revenue.amount.toFixed(2)} ${g.revenue.currency}` : "—"}
                    </Td>
                  )}
                </tr>
              );
            })}
          </DataTable>
        )}
      <p class="flex gap-3 text-xs">
        {props.manageHref && "goals" in model && model.goals.length > 0 && (
          <a class={LINK} href={props.manageHref}>Manage goals</a>
        )}
        {props.funnelsHref && (
          <a class={LINK} id="funnels-link" href={props.funnelsHref}>
            Funnels
          </a>
        )}
      </p>
    </TopCard>
  );
}
