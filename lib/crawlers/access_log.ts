// One line of a web server access log in Combined Log Format (Apache's "combined", nginx's
// default `combined`, Caddy's transform-encoder `{common_log} "{request>headers>Referer>[0]}"
// "{request>headers>User-Agent>[0]}"`): host ident user [time] "request" status bytes
// "referer" "user-agent", optionally followed by more fields (which are ignored).
// https://httpd.apache.org/docs/2.4/logs.html#combined, https://nginx.org/r/log_format

export interface AccessLogEntry {
  ip: string;
  /** Epoch ms. */
  at: number;
  method: string;
  /** The request target as logged (origin-form path, or absolute-form URL through a proxy). */
  target: string;
  status: number;
  userAgent: string;
}

/** Why a line was not an entry; counted in the import's summary. */
export type SkipReason =
  | "malformed"
  | "no_user_agent"
  | "bad_time"
  | "bad_request";

// A quoted field: nginx escapes '"' and '\' and control bytes as \xHH; Apache as \" and \\.
const QUOTED = String.raw`"((?:[^"\\]|\\.)*)"`;
const LINE = new RegExp(
  String
    .raw`^(\S+) \S+ (?:\S+|${QUOTED}) \[([^\]]+)\] ${QUOTED} (\d{3}) \S+(?: ${QUOTED} ${QUOTED})?`,
);
const TIME = /^(\d{2})\/([A-Z][a-z]{2})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const REQUEST = /^([A-Z]{1,20}) (\S+)(?: HTTP\/[\d.]+)?$/;

/** Parses "10/Oct/2000:13:55:36 -0700" to epoch ms, or null. */
export function parseLogTime(text: string): number | null {
  const m = TIME.exec(text);
  if (!m) return null;
  const month = MONTHS.indexOf(m[2]);
  if (month < 0) return null;
  const utc = Date.UTC(+m[3], month, +m[1], +m[4], +m[5], +m[6]);
  const offset = (+m[8] * 60 + +m[9]) * 60_000 * (m[7] === "+" ? 1 : -1);
  const at = utc - offset;
  return Number.isFinite(at) && +m[1] >= 1 && +m[1] <= 31 ? at : null;
}

function unescape(field: string): string {
  if (!field.includes("\\")) return field;
  return field.replace(
    /\\x([0-9A-Fa-f]{2})|\\(.)/g,
    (_, hex: string | undefined, char: string | undefined) =>
      hex !== undefined ? String.fromCharCode(parseInt(hex, 16)) : char!,
  );
}

/** Parses one line (without its newline). */
export function parseAccessLogLine(line: string): AccessLogEntry | { skip: SkipReason } {
  const m = LINE.exec(line);
  if (!m) return { skip: "malformed" };
  const [, ip, , time, request, status, , userAgent] = m;
  // Common Log Format has no User-Agent, and "-" is what servers log for a missing one.
  if (userAgent === undefined) return { skip: "no_user_agent" };
  const at = parseLogTime(time);
  if (at === null) return { skip: "bad_time" };
  const req = REQUEST.exec(unescape(request));
  if (!req) return { skip: "bad_request" };
  return {
    ip,
    at,
    method: req[1],
    target: req[2],
    status: Number(status),
    userAgent: userAgent === "-" ? "" : unescape(userAgent),
  };
}
