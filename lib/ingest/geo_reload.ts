// Picks up a replaced ECHELON_GEOIP_DB without a restart (README "GeoIP"): a job compares the
// file's identity (inode, size, modification time; a symlink is followed) with the one in use
// and, when it changed, opens the new file and swaps it in. A file that does not open leaves the
// database in use untouched and is logged, so a bad download never turns the lookup off.
import type { Job } from "../jobs.ts";
import type { Logger } from "../log.ts";
import { type GeoLookup, loadGeoDatabase } from "./geo.ts";

/** How often the file is checked: a stat a minute. */
export const GEO_RELOAD_EVERY_MS = 60_000;

/** Where the lookup in use lives; the job replaces `geo` there (the pipeline reads it per hit). */
export interface GeoHolder {
  geo: GeoLookup;
}

function identity(path: string): string | null {
  try {
    const s = Deno.statSync(path);
    return `${s.ino}:${s.size}:${s.mtime?.getTime()}`;
  } catch {
    return null;
  }
}

export function geoReloadJob(path: string, holder: GeoHolder, log: Logger): Job {
  let loaded = identity(path);
  return {
    name: "geo-reload",
    everyMs: GEO_RELOAD_EVERY_MS,
    run() {
      const current = identity(path);
      if (current === null || current === loaded) return;
      loaded = current;
      try {
        holder.geo = loadGeoDatabase(path);
        const info = holder.geo.info!;
        log.info("geo database reloaded", {
          path,
          type: info.databaseType,
          built: info.builtAt.toISOString().slice(0, 10),
        });
      } catch (error) {
        log.warn("geo database not reloaded: the new file does not open; the old one stays", {
          error: error instanceof Error ? error.message : String(error),
        });
      }
    },
  };
}
