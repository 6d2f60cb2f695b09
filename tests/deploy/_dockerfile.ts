// Reads a Dockerfile into stages of instructions for tests/deploy/_image.ts to execute. Knows
// the instructions this repository's Dockerfile uses; any other one is an error, so a Dockerfile
// that outgrows the emulation fails its test instead of being half run.

export type Instruction =
  | { op: "WORKDIR"; path: string }
  | { op: "ENV"; vars: [string, string][] }
  | { op: "COPY"; from?: string; chown?: string; sources: string[]; dest: string }
  | { op: "RUN"; command: string }
  | { op: "USER"; user: string }
  | { op: "VOLUME"; paths: string[] }
  | { op: "EXPOSE"; ports: string[] }
  | { op: "HEALTHCHECK"; command: string[] }
  | { op: "CMD"; command: string[] };

export interface Stage {
  base: string;
  name?: string;
  steps: Instruction[];
}

/** Logical lines: comments dropped, backslash continuations joined (comment lines inside too). */
function logicalLines(text: string): string[] {
  const lines: string[] = [];
  let current = "";
  for (const raw of text.split("\n")) {
    const line = raw.trimEnd();
    if (/^\s*#/.test(line) || (line.trim() === "" && current === "")) continue;
    if (line.endsWith("\\")) current += line.slice(0, -1) + " ";
    else {
      lines.push((current + line).trim());
      current = "";
    }
  }
  if (current.trim()) lines.push(current.trim());
  return lines;
}

function jsonArray(text: string, line: string): string[] {
  const value = JSON.parse(text);
  if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) {
    throw new Error(`expected a JSON array of strings: ${line}`);
  }
  return value;
}

/** `KEY=value` pairs (values may be double-quoted); the legacy `ENV KEY value` form too. */
function envPairs(args: string, line: string): [string, string][] {
  const pairs: [string, string][] = [];
  const pattern = /([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|\S*)\s*/gy;
  let match;
  while ((match = pattern.exec(args))) {
    const raw = match[2];
    pairs.push([match[1], raw.startsWith('"') ? JSON.parse(raw) : raw]);
    if (pattern.lastIndex >= args.length) break;
  }
  if (pairs.length === 0 || pattern.lastIndex < args.length) {
    throw new Error(`unsupported ENV form: ${line}`);
  }
  return pairs;
}

export function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  for (const line of logicalLines(text)) {
    const [, keyword, rest = ""] = line.match(/^(\S+)\s*(.*)$/)!;
    const op = keyword.toUpperCase();
    if (op === "FROM") {
      const m = rest.match(/^(\S+)(?:\s+AS\s+(\S+))?$/i);
      if (!m) throw new Error(`unsupported FROM: ${line}`);
      stages.push({ base: m[1], name: m[2], steps: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) throw new Error(`${op} before FROM`);
    const step = ((): Instruction => {
      switch (op) {
        case "WORKDIR":
          return { op, path: rest };
        case "ENV":
          return { op, vars: envPairs(rest, line) };
        case "RUN":
          if (rest.startsWith("[")) throw new Error(`exec-form RUN is not emulated: ${line}`);
          return { op, command: rest };
        case "USER":
          return { op, user: rest };
        case "VOLUME":
          return { op, paths: rest.startsWith("[") ? jsonArray(rest, line) : rest.split(/\s+/) };
        case "EXPOSE":
          return { op, ports: rest.split(/\s+/) };
        case "CMD":
          return { op, command: jsonArray(rest, line) };
        case "HEALTHCHECK": {
          const m = rest.match(/^(?:--\S+\s+)*CMD\s+(\[.*\])$/);
          if (!m) throw new Error(`HEALTHCHECK needs the exec form: ${line}`);
          return { op, command: jsonArray(m[1], line) };
        }
        case "COPY": {
          const words = rest.split(/\s+/);
          const flags: Record<string, string> = {};
          while (words[0]?.startsWith("--")) {
            const [flag, value] = words.shift()!.slice(2).split("=");
            if (flag !== "from" && flag !== "chown") throw new Error(`COPY --${flag}: ${line}`);
            flags[flag] = value;
          }
          if (words.length < 2) throw new Error(`COPY needs a source and a destination: ${line}`);
          const dest = words.pop()!;
          return { op, from: flags.from, chown: flags.chown, sources: words, dest };
        }
        default:
          throw new Error(`instruction not emulated: ${line}`);
      }
    })();
    stage.steps.push(step);
  }
  return stages;
}
