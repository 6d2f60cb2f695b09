// Minimal structured logging to stderr, one line per event. ECHELON_LOG_FORMAT picks the shape:
// `text` (default) is `<ISO time> <level> <message>` with JSON fields after it; `json` is one JSON
// object per line, `{"time","level","msg",…fields}`, an error's message and stack as `error` and
// `stack`, for log collectors (Loki, journald, Docker) that parse lines.
// Debug lines are written while `debug` holds: a boolean (ECHELON_DEBUG), or a function read on
// each call, so the admin's run-time debug switch turns them on without a restart.
import type { LogFormat } from "./config.ts";

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, error?: unknown, fields?: Record<string, unknown>): void;
  debug(message: string, fields?: Record<string, unknown>): void;
}

export type LogLevel = "info" | "warn" | "error" | "debug";

export interface LoggerOptions {
  debug?: boolean | (() => boolean);
  quiet?: boolean;
  format?: LogFormat;
  /** Where a finished line goes (stderr by default). */
  write?: (line: string) => void;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const debugOn = typeof options.debug === "function"
    ? options.debug
    : () => options.debug === true;
  const format = options.format === "json" ? jsonLine : textLine;
  const out = options.write ?? ((line: string) => console.error(line));
  const write = (level: LogLevel, message: string, fields?: Record<string, unknown>) => {
    if (options.quiet && level !== "error") return;
    out(format(new Date().toISOString(), level, message, fields));
  };
  return {
    info: (message, fields) => write("info", message, fields),
    warn: (message, fields) => write("warn", message, fields),
    error: (message, error, fields) =>
      write("error", message, { ...fields, ...errorFields(error) }),
    debug: (message, fields) => {
      if (debugOn()) write("debug", message, fields);
    },
  };
}

/** An error's message and stack as separate fields (a non-Error value as it is). */
function errorFields(error: unknown): Record<string, unknown> {
  if (error === undefined) return {};
  if (!(error instanceof Error)) return { error };
  return error.stack ? { error: error.message, stack: error.stack } : { error: error.message };
}

function textLine(
  time: string,
  level: LogLevel,
  message: string,
  fields?: Record<string, unknown>,
): string {
  const { stack, ...rest } = fields ?? {};
  const shown = typeof stack === "string" ? { ...rest, error: stack } : rest;
  const suffix = Object.keys(shown).length ? " " + safeJson(shown) : "";
  return `${time} ${level} ${message}${suffix}`;
}

function jsonLine(
  time: string,
  level: LogLevel,
  message: string,
  fields?: Record<string, unknown>,
): string {
  // The line's own keys come first and win over a field of the same name.
  return safeJson({ ...fields, time, level, msg: message }, ["time", "level", "msg"]);
}

/** JSON that never throws: bigints as strings, Errors as their message, cycles cut. */
function safeJson(value: Record<string, unknown>, first: string[] = []): string {
  const seen = new WeakSet<object>();
  const ordered = first.length
    ? Object.fromEntries([
      ...first.map((key) => [key, value[key]]),
      ...Object.entries(value).filter(([key]) => !first.includes(key)),
    ])
    : value;
  return JSON.stringify(ordered, (_key, v) => {
    if (typeof v === "bigint") return v.toString();
    if (v instanceof Error) return v.message;
    if (typeof v === "object" && v !== null) {
      if (seen.has(v)) return "[circular]";
      seen.add(v);
    }
    return v;
  });
}
