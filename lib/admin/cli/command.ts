// What every admin CLI command is (lib/admin/cli/mod.ts lists them): its usage and help text, the
// options it takes (node:util parseArgs' format), and a run function given the parsed arguments
// and the context the entry point built once (config, database path, output streams).
import type { ParseArgsConfig } from "node:util";
import type { Config } from "../../config.ts";

/** Exit codes: 1 the work failed or was refused, 2 the command line or its input was wrong. */
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** A refusal or failure shown to the operator as one message on stderr, with its exit code. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode: number = EXIT_FAILED) {
    super(message);
    this.name = "CliError";
  }
}

export interface CliIo {
  /** Results (stdout). */
  out(line: string): void;
  /** Progress and notes (stderr). */
  note(line: string): void;
}

export interface CliContext {
  config: Config;
  /** --db, or the config's ECHELON_DB_PATH. */
  dbPath: string;
  io: CliIo;
  now: () => number;
}

export interface CliArgs {
  positionals: string[];
  options: Record<string, string | boolean | undefined>;
}

export interface AdminCommand {
  /** Arguments after the command name, as shown in help. */
  usage: string;
  summary: string;
  /** Lines of detail for `deno task admin help <command>`. */
  help: string;
  options: NonNullable<ParseArgsConfig["options"]>;
  /** How many positional arguments it takes: [min, max]. */
  positionals: [number, number];
  run(ctx: CliContext, args: CliArgs): Promise<void>;
}

/** The string value of option `name`, or undefined. */
export function stringOption(args: CliArgs, name: string): string | undefined {
  const value = args.options[name];
  return typeof value === "string" ? value : undefined;
}
