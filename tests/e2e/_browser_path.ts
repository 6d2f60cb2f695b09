// Where the browser tests find their browsers: ECHELON_CHROMIUM / ECHELON_FIREFOX when set (an
// executable file, else a clear error naming the variable), otherwise the first of the usual
// executable names on PATH. Nothing is looked up at import; each launch asks.

export interface BrowserKind {
  /** For messages. */
  label: string;
  /** The variable that names the executable. */
  variable: string;
  /** Executable names tried on PATH, in order. */
  names: string[];
  /** How to install it on Debian, for the message when it is missing. */
  install: string;
}

export const CHROMIUM: BrowserKind = {
  label: "Chromium",
  variable: "ECHELON_CHROMIUM",
  names: ["chromium", "chromium-browser", "google-chrome-stable", "google-chrome"],
  install: "apt-get install -y chromium",
};

export const FIREFOX: BrowserKind = {
  label: "Firefox",
  variable: "ECHELON_FIREFOX",
  names: ["firefox-esr", "firefox"],
  install: "apt-get install -y firefox-esr",
};

type Env = Record<string, string | undefined>;

function isExecutableFile(path: string): boolean {
  try {
    const info = Deno.statSync(path);
    return info.isFile && ((info.mode ?? 0o111) & 0o111) !== 0;
  } catch {
    return false;
  }
}

/** The executable's path, or null when the variable is unset and PATH has none of its names. */
export function findBrowser(kind: BrowserKind, env: Env = Deno.env.toObject()): string | null {
  const configured = env[kind.variable]?.trim();
  if (configured) {
    if (!isExecutableFile(configured)) {
      throw new Error(
        `${kind.variable}=${configured}: not an executable file (unset it to search PATH)`,
      );
    }
    return configured;
  }
  const dirs = (env.PATH ?? "").split(":").filter(Boolean);
  for (const name of kind.names) {
    for (const dir of dirs) {
      if (isExecutableFile(`${dir}/${name}`)) return `${dir}/${name}`;
    }
  }
  return null;
}

/** Why `kind` cannot be launched, for a skip note or an error. */
export function missingBrowser(kind: BrowserKind): string {
  return `${kind.label} not found: none of ${kind.names.join(", ")} is on PATH; set ` +
    `${kind.variable} to its executable or install it (${kind.install})`;
}

/** The executable's path; throws with `missingBrowser`'s message when there is none. */
export function requireBrowser(kind: BrowserKind, env: Env = Deno.env.toObject()): string {
  const path = findBrowser(kind, env);
  if (path === null) throw new Error(missingBrowser(kind));
  return path;
}
