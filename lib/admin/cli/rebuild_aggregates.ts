// `admin rebuild-aggregates [--site <id>] [--from <day>] [--to <day>]`: rebuilds from the raw rows,
// day by day with progress, the per-day rollups the dashboards read (lib/stats/rollup.ts) and the
// query engine's per-day aggregates (the store's maintenance area, lib/store/maintenance.ts), then
// the week and month blocks over the rollups. A day's rollup covers every site at once, so --site
// picks the days: those between the site's first and last day with data (and, for the engine's
// aggregates, that site alone).
import { addDays } from "../../days.ts";
import { firstRebuildableDay, rebuildDay, refreshBlocks } from "../../stats/rollup.ts";
import { type AdminCommand, CliError, EXIT_USAGE, stringOption } from "./command.ts";
import { withStore } from "./database_file.ts";
import { progress } from "./progress.ts";
import { dayRange, RANGE_OPTIONS } from "./range.ts";
import { parseSiteId } from "../sites.ts";

export const rebuildAggregatesCommand: AdminCommand = {
  usage: "rebuild-aggregates [--site <id>] [--from YYYY-MM-DD] [--to YYYY-MM-DD]",
  summary: "rebuild the daily rollups, week/month blocks and the query engine's day aggregates",
  help: `Rebuilds the day rollups behind the dashboards and the stats API, and the query engine's
per-day aggregates, from the stored views and events, oldest day first, then the week and month
blocks that cover the rollups. Without --from/--to it
rebuilds every retained day (ECHELON_RETENTION_DAYS); days before retention keep their rollups.
A day's rollup holds every site; --site limits the days to the site's first..last day with data.
Safe while the server runs (each day is replaced in one transaction).`,
  options: { site: { type: "string" }, ...RANGE_OPTIONS },
  positionals: [0, 0],
  async run(ctx, args) {
    const siteOption = stringOption(args, "site");
    const site = siteOption === undefined ? null : parseSiteId(siteOption);
    if (site && !site.ok) throw new CliError(site.errors.join(" "), EXIT_USAGE);
    const explicit = ["from", "to", "days"].some((name) => stringOption(args, name) !== undefined);
    await withStore(ctx, async (store) => {
      const rollups = { store, now: ctx.now, config: ctx.config };
      const retained = firstRebuildableDay(rollups);
      let { from, to } = explicit
        ? dayRange(args, ctx.now())
        : { from: retained, to: new Date(ctx.now()).toISOString().slice(0, 10) };
      if (from < retained) {
        ctx.io.note(`days before ${retained} are past retention: their rollups are kept`);
        from = retained;
      }
      if (site?.ok) {
        const span = await store.rollups.siteRawDays(site.value);
        if (span === null) throw new CliError(`site ${site.value} has no stored views or events`);
        if (span.first > from) from = span.first;
        if (span.last < to) to = span.last;
      }
      const days: string[] = [];
      for (let day = from; day <= to; day = addDays(day, 1)) days.push(day);
      const shown = progress(ctx.io, "rebuild-aggregates");
      let rows = 0;
      let aggregateRows = 0;
      for (const [index, day] of days.entries()) {
        rows += (await rebuildDay(rollups, day)).rows;
        aggregateRows += await store.maintenance.rebuildAggregates(
          day,
          site?.ok ? site.value : null,
        );
        shown.update(`${index + 1} of ${days.length} days (${day})`);
      }
      const blocks = await refreshBlocks(rollups, Number.MAX_SAFE_INTEGER);
      shown.done();
      ctx.io.out(
        days.length === 0
          ? "rebuild-aggregates: no days in range"
          : `rebuild-aggregates: ${days.length} day(s) ${from}..${to} rebuilt (${rows} rollup ` +
            `rows, ${aggregateRows} engine aggregate rows), ${blocks.length} week/month block(s) ` +
            "rebuilt",
      );
    });
  },
};
