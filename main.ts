// Echelon Analytics: wires config → database → services → app and serves it (nothing else).
import { ConfigError, loadConfig } from "./lib/config.ts";
import { SchemaTooNewError, StorageError } from "./lib/db/mod.ts";
import { start } from "./lib/server.ts";
import { VERSION } from "./lib/version.ts";

if (import.meta.main) {
  try {
    await start(loadConfig(Deno.env.toObject(), VERSION));
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`Invalid configuration: ${error.message}`);
      Deno.exit(2);
    }
    // The database cannot be used as it is (from a newer release, or the disk refuses it):
    // one clear line, not a stack trace.
    if (error instanceof SchemaTooNewError || error instanceof StorageError) {
      console.error(`Cannot start: ${error.message}`);
      Deno.exit(3);
    }
    throw error;
  }
}
