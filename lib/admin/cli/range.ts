// The day range options CLI commands share (--from, --to, --days), checked by the stats API's own
// parser (lib/stats/params.ts) so the CLI accepts exactly what /api/export and /api/stats accept.
import { HttpError } from "../../http_error.ts";
import { type DayRange, parseRange } from "../../stats/params.ts";
import { type CliArgs, CliError, EXIT_USAGE, stringOption } from "./command.ts";

export const RANGE_OPTIONS = {
  from: { type: "string" },
  to: { type: "string" },
  days: { type: "string" },
} as const;

/** The options as the query string the HTTP API takes (site_id too, when given). */
export function rangeQuery(args: CliArgs, siteId?: string): URL {
  const url = new URL("http://cli.invalid/");
  if (siteId !== undefined) url.searchParams.set("site_id", siteId);
  for (const name of Object.keys(RANGE_OPTIONS)) {
    const value = stringOption(args, name);
    if (value !== undefined) url.searchParams.set(name, value);
  }
  return url;
}

/** Runs an API parser on the options; its 400 becomes a usage error with the same message. */
export function parsedOptions<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof HttpError && error.status < 500) {
      throw new CliError(`--${error.message}`, EXIT_USAGE);
    }
    throw error;
  }
}

export function dayRange(args: CliArgs, now: number): DayRange {
  return parsedOptions(() => parseRange(rangeQuery(args), now));
}
