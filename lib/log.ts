// Minimal structured logging to stderr; one line per event, JSON fields after the message.
// Debug lines are written while `debug` holds: a boolean (ECHELON_DEBUG), or a function read on
// each call, so the admin's run-time debug switch turns them on without a restart.

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, error?: unknown, fields?: Record<string, unknown>): void;
  debug(message: string, fields?: Record<string, unknown>): void;
}

export function createLogger(
  options: { debug?: boolean | (() => boolean); quiet?: boolean } = {},
): Logger {
  const debugOn = typeof options.debug === "function"
    ? options.debug
    : () => options.debug === true;
  const write = (level: string, message: string, fields?: Record<string, unknown>) => {
    if (options.quiet && level !== "error") return;
    const suffix = fields && Object.keys(fields).length ? " " + JSON.stringify(fields) : "";
    console.error(`${new Date().toISOString()} ${level} ${message}${suffix}`);
  };
  return {
    info: (message, fields) => write("info", message, fields),
    warn: (message, fields) => write("warn", message, fields),
    error: (message, error, fields) =>
      write("error", message, {
        ...fields,
        error: error instanceof Error ? error.stack ?? error.message : error,
      }),
    debug: (message, fields) => {
      if (debugOn()) write("debug", message, fields);
    },
  };
}
