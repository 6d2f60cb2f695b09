// Reads a systemd unit file: sections of keys, each key with every value it was given (in order),
// and the Environment= assignments of [Service] merged (quoted or bare, later ones win).

export type Unit = Record<string, Record<string, string[]>>;

export function parseUnit(text: string): Unit {
  const unit: Unit = {};
  let section: Record<string, string[]> | null = null;
  for (const raw of text.replace(/\\\n/g, " ").split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const header = line.match(/^\[(.+)\]$/);
    if (header) {
      section = unit[header[1]] ??= {};
      continue;
    }
    const eq = line.indexOf("=");
    if (!section || eq < 0) throw new Error(`not a unit file line: ${line}`);
    const key = line.slice(0, eq).trim();
    (section[key] ??= []).push(line.slice(eq + 1).trim());
  }
  return unit;
}

/** The environment [Service] Environment= lines set (systemd's quoting: "K=V with spaces"). */
export function unitEnvironment(unit: Unit): Record<string, string> {
  const env: Record<string, string> = {};
  for (const value of unit.Service?.Environment ?? []) {
    for (const m of value.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) {
      const assignment = m[1] ?? m[2] ?? m[3];
      const eq = assignment.indexOf("=");
      if (eq > 0) env[assignment.slice(0, eq)] = assignment.slice(eq + 1);
    }
  }
  return env;
}

/** One value of [Service] (the last, as systemd keeps for single-valued settings). */
export function serviceValue(unit: Unit, key: string): string | undefined {
  return unit.Service?.[key]?.at(-1);
}

/** Every path the service may write: state, cache, logs, runtime dirs and ReadWritePaths. */
export function writablePaths(unit: Unit): string[] {
  const roots: Record<string, string> = {
    StateDirectory: "/var/lib",
    CacheDirectory: "/var/cache",
    LogsDirectory: "/var/log",
    RuntimeDirectory: "/run",
  };
  const paths: string[] = [];
  for (const [key, root] of Object.entries(roots)) {
    for (const value of unit.Service?.[key] ?? []) {
      for (const name of value.split(/\s+/).filter(Boolean)) paths.push(`${root}/${name}`);
    }
  }
  for (const value of unit.Service?.ReadWritePaths ?? []) {
    paths.push(...value.split(/\s+/).filter(Boolean).map((p) => p.replace(/^-/, "")));
  }
  return paths;
}
