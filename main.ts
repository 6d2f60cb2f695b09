// Echelon Analytics: wires config → database → services → app and serves it (nothing else).
import { ConfigError, loadConfig, type LogFormat, logFormatOf } from "./lib/config.ts";
import { createLogger } from "./lib/log.ts";
import { start } from "./lib/server.ts";
import { SchemaTooNewError, StorageError } from "./lib/store/errors.ts";
import { VERSION } from "./lib/version.ts";

if (import.meta.main) {
  const env = Deno.env.toObject();
  try {
    await start(loadConfig(env, VERSION));
  } catch (error) {
    if (error instanceof ConfigError) {
      fatal(env, `Invalid configuration: ${error.message}`);
      Deno.exit(2);
    }
    // The database cannot be used as it is (from a newer release, or the disk refuses it):
    // one clear line, not a stack trace.
    if (error instanceof SchemaTooNewError || error instanceof StorageError) {
      fatal(env, `Cannot start: ${error.message}`);
      Deno.exit(3);
    }
    throw error;
  }
}

/** The one line that says why the process did not start: as it is, or as a JSON log line. */
function fatal(env: Record<string, string>, message: string): void {
  let format: LogFormat = "text";
  try {
    format = logFormatOf(env);
  } catch {
    // ECHELON_LOG_FORMAT itself is the bad value: say so as text.
  }
  if (format === "json") createLogger({ format }).error(message);
  else console.error(message);
}
