// Progress lines for long CLI work, on stderr: at most one a second, each on its own line (so
// container and CI logs keep them), nothing for work that ends within the first second.
import type { CopyOptions } from "../../store/maintenance.ts";
import type { CliIo } from "./command.ts";

export interface Progress {
  update(text: string): void;
  done(): void;
}

export function progress(io: CliIo, label: string, everyMs = 1000): Progress {
  const started = Date.now();
  let last = started;
  let shown = false;
  return {
    update(text) {
      const now = Date.now();
      if (now - last < everyMs) return;
      last = now;
      shown = true;
      io.note(`${label}: ${text} (${((now - started) / 1000).toFixed(0)} s)`);
    },
    done() {
      if (shown) io.note(`${label}: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    },
  };
}

export function megabytes(bytes: number): string {
  return `${(bytes / 1_048_576).toFixed(1)} MB`;
}

/**
 * A whole copy's progress (lib/store/maintenance.ts CopyOptions) as lines of `label`: megabytes
 * written while it is written, then a note that it is checked.
 */
export function copyProgress(
  io: CliIo,
  label: string,
): Pick<CopyOptions, "progress" | "checking"> {
  const shown = progress(io, label);
  return {
    progress: ({ written, expected }) =>
      shown.update(`${megabytes(written)} of about ${megabytes(expected)} written`),
    checking() {
      shown.done();
      io.note(`${label}: checking the copy (integrity_check, row counts)`);
    },
  };
}
