// Echelon Analytics: wires config → database → services → app and serves it (nothing else).
import { ConfigError, loadConfig } from "./lib/config.ts";
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
    throw error;
  }
}
