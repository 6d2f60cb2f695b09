// `deno task deps`: installs node_modules exactly as package-lock.json says (`npm ci`), and only
// when what is installed differs from the lock, so `task start` stays fast and the lock is never
// rewritten (`npm install` would rewrite it and leave a fresh clone dirty).
// What is installed is npm's own record of node_modules (its hidden lock,
// node_modules/.package-lock.json); it matches when every installed package has the lock's
// version and integrity and every package the lock has is installed, except optional ones
// (other platforms' binaries). `--check` only reports, with exit code 1 on a mismatch.

export interface LockEntry {
  version?: string;
  integrity?: string;
  optional?: boolean;
  link?: boolean;
}

export interface LockFile {
  packages?: Record<string, LockEntry>;
}

/** Why node_modules differs from the lock, or null when it matches. */
export function installedDiffers(lock: LockFile, installed: LockFile | null): string | null {
  if (!installed) return "node_modules has no record of an install (no .package-lock.json)";
  const wanted = lock.packages ?? {};
  const have = installed.packages ?? {};
  for (const [path, entry] of Object.entries(have)) {
    const want = wanted[path];
    if (!want) return `${path} is installed but not in package-lock.json`;
    if (want.version !== entry.version || want.integrity !== entry.integrity) {
      return `${path} is ${entry.version ?? "a link"}, the lock says ${want.version ?? "a link"}`;
    }
  }
  for (const [path, entry] of Object.entries(wanted)) {
    if (path === "" || entry.optional || have[path]) continue;
    return `${path} ${entry.version} is missing from node_modules`;
  }
  return null;
}

async function readJson(path: string): Promise<LockFile | null> {
  try {
    return JSON.parse(await Deno.readTextFile(path));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw new Error(`${path}: ${(error as Error).message}`, { cause: error });
  }
}

async function main(args: string[]): Promise<number> {
  const lock = await readJson("package-lock.json");
  if (!lock) {
    console.error("package-lock.json is missing: run this in the checkout's root");
    return 1;
  }
  const reason = installedDiffers(lock, await readJson("node_modules/.package-lock.json"));
  if (reason === null) return 0;
  if (args.includes("--check")) {
    console.error(`node_modules differs from package-lock.json: ${reason}`);
    return 1;
  }
  console.error(`npm ci (${reason})`);
  const { code } = await new Deno.Command("npm", {
    args: ["ci", "--no-audit", "--no-fund", "--loglevel=error"],
    stdout: "inherit",
    stderr: "inherit",
  }).spawn().status;
  return code;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
