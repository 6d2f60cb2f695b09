// Builds a Dockerfile's file tree without a Docker engine: each stage is a directory tree whose
// base image is this machine's Debian (/usr bound read-only, /etc copied, /usr/local the stage's
// own), and each RUN executes chrooted into it in a private mount namespace, as the stage's USER.
// A `node:` base keeps this machine's node and npm (npm's global prefix set to /usr/local, as in
// the node images); any other base hides them, so a runtime stage cannot lean on Node.js.
// COPY from the build context honours .dockerignore (@balena/dockerignore: Docker's rules).
// Needs root (mount namespaces, chroot).
import dockerignore from "@balena/dockerignore";
import { type Instruction, parseDockerfile } from "./_dockerfile.ts";
import { runOk } from "./_run.ts";

// CommonJS: the default import is module.exports, the factory that its types name `default`.
const ignore = dockerignore as unknown as typeof dockerignore.default;
const DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
/** Links of a merged-/usr Debian root (bin -> usr/bin …). */
const ROOT_LINKS = ["bin", "sbin", "lib", "lib64"];

export interface StageTree {
  name?: string;
  base: string;
  /** The stage's / (with /usr/local held apart in `usrLocal`). */
  root: string;
  usrLocal: string;
  env: Record<string, string>;
  workdir: string;
  user: string;
  volumes: string[];
  cmd?: string[];
  healthcheck?: string[];
}

/** Whether mount namespaces and chroot are available (root). */
export function canEmulate(): boolean {
  return Deno.uid() === 0;
}

async function newStage(dir: string, base: string, name?: string): Promise<StageTree> {
  if (!/^(node|debian):/.test(base)) throw new Error(`base image not emulated: ${base}`);
  const root = `${dir}/root`;
  const usrLocal = `${dir}/usr-local`;
  for (const d of ["usr", "dev", "proc", "root/.npm", "home", "run", "var/tmp"]) {
    await Deno.mkdir(`${root}/${d}`, { recursive: true });
  }
  await Deno.mkdir(`${root}/tmp`, { mode: 0o1777 });
  await Deno.chmod(`${root}/tmp`, 0o1777);
  for (const d of ["bin", "sbin", "lib", "share"]) {
    await Deno.mkdir(`${usrLocal}/${d}`, { recursive: true });
  }
  for (const link of ROOT_LINKS) {
    const info = await Deno.lstat(`/${link}`).catch(() => null);
    if (!info) continue;
    if (!info.isSymlink) throw new Error(`/${link} is not a link into /usr: no merged-/usr root`);
    await Deno.symlink(await Deno.readLink(`/${link}`), `${root}/${link}`);
  }
  await runOk("cp", ["-a", "/etc", `${root}/etc`]);
  const env: Record<string, string> = { PATH: DEFAULT_PATH };
  return { name, base, root, usrLocal, env, workdir: "/", user: "root", volumes: [] };
}

/** Where an absolute path of the stage lives on this machine. */
export function hostPath(stage: StageTree, path: string): string {
  const clean = `/${path.split("/").filter((p) => p && p !== ".").join("/")}`;
  if (clean === "/usr/local" || clean.startsWith("/usr/local/")) {
    return stage.usrLocal + clean.slice("/usr/local".length);
  }
  if (clean === "/usr" || clean.startsWith("/usr/")) {
    throw new Error(`${path} is the base image's, read-only here`);
  }
  return stage.root + clean;
}

function resolveIn(stage: StageTree, path: string): string {
  return path.startsWith("/") ? path : `${stage.workdir.replace(/\/$/, "")}/${path}`;
}

/** uid and gid of a USER (name, uid or name:group) in the stage's /etc. */
export async function ids(stage: StageTree, spec: string): Promise<[number, number]> {
  const [user, group] = spec.split(":");
  const passwd = (await Deno.readTextFile(`${stage.root}/etc/passwd`)).split("\n");
  const entry = passwd.map((l) => l.split(":")).find((f) => f[0] === user || f[2] === user);
  if (!entry && !/^\d+$/.test(user)) throw new Error(`no user ${user} in the image`);
  const uid = entry ? Number(entry[2]) : Number(user);
  let gid = entry ? Number(entry[3]) : uid;
  if (group !== undefined) {
    const groups = (await Deno.readTextFile(`${stage.root}/etc/group`)).split("\n");
    const g = groups.map((l) => l.split(":")).find((f) => f[0] === group || f[2] === group);
    if (!g && !/^\d+$/.test(group)) throw new Error(`no group ${group} in the image`);
    gid = g ? Number(g[2]) : Number(group);
  }
  return [uid, gid];
}

async function homeOf(stage: StageTree, uid: number): Promise<string> {
  const passwd = (await Deno.readTextFile(`${stage.root}/etc/passwd`)).split("\n");
  return passwd.map((l) => l.split(":")).find((f) => Number(f[2]) === uid)?.[5] ?? "/";
}

// Mounts the stage's tree, then chroots and drops to the user; `exec` all the way, so the
// started command keeps this process's pid (signals reach it).
const ENTER = `set -e
R="$1"; L="$2"; HIDE_NODE="$3"; NPM_CACHE="$4"; shift 4
mount --rbind /dev "$R/dev"
mount --bind /proc "$R/proc"
mount --bind /usr "$R/usr"
mount -o remount,bind,ro "$R/usr"
mount --bind "$L" "$R/usr/local"
if [ "$HIDE_NODE" = 1 ]; then
  for f in node npm npx corepack; do
    if [ -e "$R/usr/bin/$f" ]; then mount --bind /dev/null "$R/usr/bin/$f"; fi
  done
fi
if [ -n "$NPM_CACHE" ]; then mount --bind "$NPM_CACHE" "$R/root/.npm"; fi
exec chroot "$R" "$@"`;

export interface EnterOptions {
  /** Added to the stage's ENV (after it). */
  env?: Record<string, string>;
  user?: string;
  cwd?: string;
}

/** The argv that runs `argv` inside the stage (for Deno.Command with clearEnv). */
export async function enterArgs(
  stage: StageTree,
  argv: string[],
  options: EnterOptions = {},
): Promise<string[]> {
  const [uid, gid] = await ids(stage, options.user ?? stage.user);
  const env = { ...stage.env, ...options.env };
  env.HOME ??= await homeOf(stage, uid);
  const node = stage.base.startsWith("node:");
  const drop = uid === 0 ? [] : [
    "/usr/bin/setpriv",
    `--reuid=${uid}`,
    `--regid=${gid}`,
    "--clear-groups",
  ];
  return scriptInMountNamespace(ENTER, [
    stage.root,
    stage.usrLocal,
    node ? "0" : "1",
    node && uid === 0 ? `${Deno.env.get("HOME") ?? "/root"}/.npm` : "",
    ...drop,
    "/usr/bin/env",
    "-i",
    ...Object.entries(env).map(([k, v]) => `${k}=${v}`),
    "/bin/sh",
    "-c",
    'cd "$1" && shift && exec "$@"',
    "sh",
    options.cwd ?? stage.workdir,
    ...argv,
  ]);
}

/** `unshare` arguments that run a shell script with `args` in a private mount namespace (its
 * mounts vanish with it and never reach this machine's tree). */
export function scriptInMountNamespace(script: string, args: string[]): string[] {
  return ["--mount", "--propagation", "private", "--", "/bin/sh", "-c", script, "sh", ...args];
}

async function listContext(context: string, patterns: string[]): Promise<string[]> {
  const files: string[] = [];
  const walk = async (rel: string) => {
    for await (const entry of Deno.readDir(rel ? `${context}/${rel}` : context)) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory) await walk(path);
      else files.push(path);
    }
  };
  await walk("");
  return ignore().add(patterns).filter(files);
}

async function copy(stage: StageTree, step: Extract<Instruction, { op: "COPY" }>, ctx: {
  context: string;
  contextFiles: string[];
  stages: StageTree[];
}): Promise<void> {
  const dest = resolveIn(stage, step.dest);
  const toDir = step.dest.endsWith("/") || step.dest === "." || step.sources.length > 1;
  const owner = step.chown ? (await ids(stage, step.chown)).join(":") : null;
  const copied: string[] = [];
  if (step.from === undefined) {
    for (const source of step.sources) {
      const prefix = source === "." ? "" : source.replace(/^\.\//, "").replace(/\/$/, "");
      const matches = ctx.contextFiles.filter((f) =>
        prefix === "" || f === prefix || f.startsWith(`${prefix}/`)
      );
      if (matches.length === 0) throw new Error(`COPY ${source}: not in the build context`);
      for (const file of matches) {
        const rel = file === prefix
          ? file.split("/").pop()!
          : file.slice(prefix ? prefix.length + 1 : 0);
        const target = hostPath(stage, file === prefix && !toDir ? dest : `${dest}/${rel}`);
        await Deno.mkdir(target.slice(0, target.lastIndexOf("/")), { recursive: true });
        await runOk("cp", ["-a", "--no-target-directory", `${ctx.context}/${file}`, target]);
        copied.push(target);
      }
    }
  } else {
    const from = ctx.stages.find((s) => s.name === step.from) ?? ctx.stages[Number(step.from)];
    if (!from) throw new Error(`COPY --from=${step.from}: no such stage`);
    for (const source of step.sources) {
      const src = hostPath(from, source);
      const info = await Deno.stat(src);
      const target = hostPath(stage, dest);
      if (info.isDirectory) {
        await Deno.mkdir(target, { recursive: true });
        for await (const entry of Deno.readDir(src)) {
          await runOk("cp", ["-a", `${src}/${entry.name}`, `${target}/`]);
          copied.push(`${target}/${entry.name}`);
        }
      } else {
        const file = toDir ? `${target}/${source.split("/").pop()}` : target;
        await Deno.mkdir(file.slice(0, file.lastIndexOf("/")), { recursive: true });
        await runOk("cp", ["-a", "--no-target-directory", src, file]);
        copied.push(file);
      }
    }
  }
  if (owner) {
    for (const path of copied) await runOk("chown", ["-R", "--no-dereference", owner, path]);
  }
}

export interface BuildOptions {
  /** Added to every RUN's environment (not to the image's), e.g. npm's prefer-offline. */
  runEnv?: Record<string, string>;
  log?: (line: string) => void;
}

/** Executes every stage of `dockerfile` with `context` as build context, under `work`. */
export async function buildTree(
  dockerfile: string,
  context: string,
  work: string,
  options: BuildOptions = {},
): Promise<StageTree[]> {
  const stagesText = parseDockerfile(await Deno.readTextFile(dockerfile));
  const patterns = await Deno.readTextFile(`${context}/.dockerignore`)
    .then((t) => t.split("\n"), () => []);
  const ctx = {
    context,
    contextFiles: await listContext(context, patterns),
    stages: [] as StageTree[],
  };
  for (const [index, spec] of stagesText.entries()) {
    const stage = await newStage(`${work}/stage${index}`, spec.base, spec.name);
    ctx.stages.push(stage);
    for (const step of spec.steps) {
      options.log?.(`[${spec.name ?? index}] ${step.op} ${JSON.stringify(step).slice(0, 160)}`);
      switch (step.op) {
        case "WORKDIR":
          stage.workdir = resolveIn(stage, step.path);
          await Deno.mkdir(hostPath(stage, stage.workdir), { recursive: true });
          break;
        case "ENV":
          for (const [key, value] of step.vars) {
            if (value.includes("$")) throw new Error(`ENV ${key}: variables are not expanded here`);
            stage.env[key] = value;
          }
          break;
        case "USER":
          await ids(stage, step.user);
          stage.user = step.user;
          break;
        case "COPY":
          await copy(stage, step, ctx);
          break;
        case "RUN": {
          const env = {
            ...(stage.base.startsWith("node:") ? { npm_config_prefix: "/usr/local" } : {}),
            ...options.runEnv,
          };
          const args = await enterArgs(stage, ["/bin/sh", "-c", step.command], { env });
          await runOk("unshare", args, { clearEnv: true, timeoutMs: 900_000 });
          break;
        }
        case "VOLUME":
          stage.volumes.push(...step.paths);
          break;
        case "EXPOSE":
          break;
        case "HEALTHCHECK":
          stage.healthcheck = step.command;
          break;
        case "CMD":
          stage.cmd = step.command;
          break;
      }
    }
  }
  return ctx.stages;
}

/** Removes a work directory once no mount of a stage is left under it (never a host's /dev). */
export async function removeWork(work: string): Promise<void> {
  const mounts = await Deno.readTextFile("/proc/self/mountinfo");
  if (mounts.includes(` ${work}/`)) throw new Error(`${work} still has mounts; not removed`);
  await Deno.remove(work, { recursive: true });
}
