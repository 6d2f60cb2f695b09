// `admin export <site> <dir|file.csv> [--kind …] [--from --to | --days]`: the CSV files of
// GET /api/export/*.csv, written from the same library code (lib/export/, lib/stats/) with the
// same parameters, checked by the same parsers. A directory gets every kind under the API's file
// names; a path ending in .csv gets one kind (--kind, default overview).
import { join } from "node:path";
import { csvSection } from "../../export/csv.ts";
import { exportFilename, type ExportKind, exportParams } from "../../export/mod.ts";
import { EXPORT_LIST_LIMIT, overviewSections } from "../../export/overview.ts";
import { rawCsvStream } from "../../export/raw.ts";
import { type ReadArgs, type ReadName, type ReadResult, runRead } from "../../reads/registry.ts";
import { parseOverviewQuery } from "../../stats/params.ts";
import type { AppDataStore } from "../../store/types.ts";
import {
  type AdminCommand,
  type CliContext,
  CliError,
  EXIT_USAGE,
  stringOption,
} from "./command.ts";
import { withStore } from "./database_file.ts";
import { megabytes } from "./progress.ts";
import { parsedOptions, RANGE_OPTIONS, rangeQuery } from "./range.ts";

const KINDS: readonly ExportKind[] = ["overview", "views", "events", "bots"];

type Body = ReadableStream<Uint8Array> | string;

/** Runs an analytics read by name (lib/reads/registry.ts), inline on the opened file. */
type Read = <N extends ReadName>(name: N, ...args: ReadArgs<N>) => Promise<ReadResult<N>>;

/**
 * A kind's file: its options are parsed before it returns (a usage error is thrown at once), its
 * rows may be read after. The analytics reads run on the opened file (the CLI has no read
 * processes), the raw rows through the store.
 */
type Writer = (
  read: Read,
  store: AppDataStore,
  url: URL,
  ctx: CliContext,
) => Promise<Body> | Body;

/** Each kind as its route builds it (routes/api/export/<kind>.csv.ts), for an admin caller. */
const WRITERS: Record<ExportKind, Writer> = {
  overview(read, _store, url, ctx) {
    const now = ctx.now();
    const query = parseOverviewQuery(url, now);
    return read("overview", { ...query, compare: true, limit: query.limit ?? EXPORT_LIST_LIMIT })
      .then((overview) =>
        overviewSections(overview, new Date(now).toISOString()).map(csvSection).join("")
      );
  },
  views(_read, store, url, ctx) {
    const params = exportParams(url, ctx.now(), { siteRequired: false });
    return store.exports.raw("views", { ...params, bots: "all" }).then((rows) =>
      rawCsvStream(rows)
    );
  },
  events(_read, store, url, ctx) {
    const params = exportParams(url, ctx.now(), { siteRequired: false });
    return store.exports.raw("events", { ...params, bots: "all" }).then((rows) =>
      rawCsvStream(rows)
    );
  },
  bots(read, _store, url, ctx) {
    const now = ctx.now();
    const params = exportParams(url, now, { siteRequired: false });
    return read("botsCsvSections", params, new Date(now).toISOString(), true)
      .then((sections) => sections.map(csvSection).join(""));
  },
};

export const exportCommand: AdminCommand = {
  usage: "export <site> <dir | file.csv> [--kind overview|views|events|bots] " +
    "[--from YYYY-MM-DD --to YYYY-MM-DD | --days N]",
  summary: "write a site's CSV exports (the same files as /api/export/*.csv)",
  help: `Writes the CSV files GET /api/export/{overview,views,events,bots}.csv serve, for one site
and period (default: the last 30 days, like the API). Into a directory (created if missing): every
kind, or --kind, under the API's file names (echelon-<site>-<kind>-<from>_<to>.csv). To a path
ending in .csv: one kind, --kind (default overview). Existing files are replaced.`,
  options: { kind: { type: "string" }, ...RANGE_OPTIONS },
  positionals: [2, 2],
  async run(ctx, args) {
    const [site, target] = args.positionals;
    const kindOption = stringOption(args, "kind");
    const kind = KINDS.find((k) => k === kindOption);
    if (kindOption !== undefined && !kind) {
      throw new CliError(
        `--kind: ${JSON.stringify(kindOption)} must be ${KINDS.join(", ")}`,
        EXIT_USAGE,
      );
    }
    const url = rangeQuery(args, site);
    const params = parsedOptions(() => exportParams(url, ctx.now(), { siteRequired: true }));
    const toFile = target.toLowerCase().endsWith(".csv");
    const kinds = toFile ? [kind ?? "overview"] : kind ? [kind] : KINDS;
    await withStore(ctx, async (store, opened) => {
      const readContext = opened.inlineReads({ now: ctx.now, config: ctx.config });
      const read: Read = (name, ...args) => runRead(readContext, name, args);
      if (!toFile) await Deno.mkdir(target, { recursive: true });
      for (const k of kinds) {
        const path = toFile ? target : join(target, exportFilename(k, params));
        const body = await parsedOptions(() => WRITERS[k](read, store, url, ctx));
        await writeBody(path, body);
        ctx.io.out(`export: ${k} -> ${path} (${megabytes((await Deno.stat(path)).size)})`);
      }
    }).catch((error) => {
      if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.PermissionDenied) {
        throw new CliError(`cannot write ${target}: ${error.message}`);
      }
      throw error;
    });
  },
};

async function writeBody(path: string, body: ReadableStream<Uint8Array> | string): Promise<void> {
  if (typeof body === "string") return await Deno.writeTextFile(path, body);
  const file = await Deno.open(path, { write: true, create: true, truncate: true });
  await body.pipeTo(file.writable);
}
