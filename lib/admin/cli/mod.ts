// `deno task admin <command>`: the registry of admin commands (name → usage, help, options, run)
// and the dispatcher. The entry point (scripts/admin.ts) hands it the arguments and the
// environment; the config is parsed here once, `--db <path>` (any command) overrides
// ECHELON_DB_PATH. Errors are one message on stderr and exit code 1 (failed or refused) or 2
// (wrong command line or input).
import { parseArgs } from "node:util";
import { ConfigError, loadConfig } from "../../config.ts";
import { VERSION } from "../../version.ts";
import { backupCommand } from "./backup.ts";
import { type AdminCommand, CliError, type CliIo, EXIT_USAGE } from "./command.ts";
import { createSiteCommand } from "./create_site.ts";
import { exportCommand } from "./export.ts";
import { rebuildAggregatesCommand } from "./rebuild_aggregates.ts";
import { resetPasswordCommand } from "./reset_password.ts";
import { restoreCommand } from "./restore.ts";

export const ADMIN_COMMANDS: Record<string, AdminCommand> = {
  backup: backupCommand,
  restore: restoreCommand,
  "reset-password": resetPasswordCommand,
  "create-site": createSiteCommand,
  "rebuild-aggregates": rebuildAggregatesCommand,
  export: exportCommand,
};

const GLOBAL_OPTIONS = {
  db: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

/** `deno task admin help`: every command with its one-line summary. */
export function overview(): string {
  const width = Math.max(...Object.keys(ADMIN_COMMANDS).map((name) => name.length));
  return [
    "Usage: deno task admin <command> [options] [--db <path>]",
    "",
    "Commands:",
    ...Object.entries(ADMIN_COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    `  ${"help".padEnd(width)}  this list; help <command> for details`,
    "",
    "--db <path> names the database (default: ECHELON_DB_PATH, else ./echelon.db).",
    "Exit codes: 0 done, 1 failed or refused, 2 wrong command line or input.",
  ].join("\n");
}

function commandHelp(command: AdminCommand): string {
  return `Usage: deno task admin ${command.usage} [--db <path>]\n\n${command.help}`;
}

export interface CliRuntime {
  env: Record<string, string>;
  io: CliIo;
  now?: () => number;
}

/** Runs one admin command; resolves with the process exit code. */
export async function runAdminCli(argv: string[], runtime: CliRuntime): Promise<number> {
  const { io } = runtime;
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    const topic = rest[0];
    if (topic !== undefined && Object.hasOwn(ADMIN_COMMANDS, topic)) {
      io.out(commandHelp(ADMIN_COMMANDS[topic]));
      return 0;
    }
    if (name === undefined) {
      io.note(overview());
      return EXIT_USAGE;
    }
    io.out(overview());
    return 0;
  }
  if (!Object.hasOwn(ADMIN_COMMANDS, name)) {
    io.note(`unknown command ${JSON.stringify(name)}\n\n${overview()}`);
    return EXIT_USAGE;
  }
  const command = ADMIN_COMMANDS[name];
  try {
    const parsed = parseCommandLine(command, rest);
    if (parsed.options.help) {
      io.out(commandHelp(command));
      return 0;
    }
    const config = loadConfig(runtime.env, VERSION);
    const dbPath = typeof parsed.options.db === "string" ? parsed.options.db : config.dbPath;
    await command.run({ config, dbPath, io, now: runtime.now ?? Date.now }, parsed);
    return 0;
  } catch (error) {
    if (error instanceof CliError) {
      io.note(`${name}: ${error.message}`);
      return error.exitCode;
    }
    if (error instanceof ConfigError) {
      io.note(`${name}: ${error.message}`);
      return EXIT_USAGE;
    }
    io.note(`${name} failed: ${error instanceof Error ? error.stack ?? error.message : error}`);
    return 1;
  }
}

function parseCommandLine(command: AdminCommand, args: string[]) {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: { ...command.options, ...GLOBAL_OPTIONS },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new CliError(
      `${error instanceof Error ? error.message : error}\nusage: deno task admin ${command.usage}`,
      EXIT_USAGE,
    );
  }
  const [min, max] = command.positionals;
  if (!parsed.values.help && (parsed.positionals.length < min || parsed.positionals.length > max)) {
    throw new CliError(`usage: deno task admin ${command.usage}`, EXIT_USAGE);
  }
  return {
    positionals: parsed.positionals,
    options: parsed.values as Record<string, string | boolean | undefined>,
  };
}
