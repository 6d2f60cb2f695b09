// confs/echelon.service, run as systemd would without systemd: its ExecStart as its User, in its
// WorkingDirectory, with its Environment, and the sandbox it declares emulated in a private mount
// namespace: the app (a copy of this checkout, root-owned) read-only at WorkingDirectory,
// /usr, /etc, /var and /opt read-only, home directories hidden, a private /tmp, and only the
// state and cache directories writable (created for the user, as systemd does). /api/health
// answers, SIGTERM stops it cleanly, and the database and DENO_DIR are the only things written.
// `systemd-analyze verify` checks the file when it is installed. Needs root; creates the unit's
// user when missing (and removes it after).
import assert from "node:assert/strict";
import { canEmulate, scriptInMountNamespace } from "./_image.ts";
import { DENO, ROOT, run, runOk, startServer } from "./_run.ts";
import { parseUnit, serviceValue, unitEnvironment, writablePaths } from "./_unit.ts";

const UNIT_FILE = `${ROOT}/confs/echelon.service`;
const SYSTEMD_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin";

function inside(path: string, dirs: string[]): boolean {
  return dirs.some((d) => path === d || path.startsWith(`${d}/`));
}

// Builds the sandbox, then `exec`s the command (as the user unless UID is "-"), so the started
// process keeps this pid. Arguments: APP_SRC APP DENO_BIN DENO_AT TMP_SRC UID GID then
// SRC=TARGET writable pairs, "--", the environment (K=V…), "--", WORKDIR and the command.
const SANDBOX = `set -e
APP_SRC=$1; APP=$2; DENO_BIN=$3; DENO_AT=$4; TMP_SRC=$5; USR_ID=$6; GRP_ID=$7; shift 7
TMPFS=""
mk() {
  [ -e "$1" ] && return 0
  p=$(dirname "$1")
  mk "$p" d
  case " $TMPFS " in *" $p "*) ;; *) mount -t tmpfs -o mode=0755 tmpfs "$p"; TMPFS="$TMPFS $p";; esac
  if [ "$2" = d ]; then mkdir "$1"; else : > "$1"; fi
}
# ProtectSystem=strict (as far as a bind can): the system's trees read-only.
for d in /usr /etc /var /opt /srv /boot; do
  if [ -d "$d" ]; then mount --bind "$d" "$d"; mount -o remount,bind,ro "$d"; fi
done
mk "$DENO_AT" f; mount --bind "$DENO_BIN" "$DENO_AT"
mk "$APP" d; mount --bind "$APP_SRC" "$APP"; mount -o remount,bind,ro "$APP"
while [ "$1" != "--" ]; do
  mk "\${1#*=}" d; mount --bind "\${1%%=*}" "\${1#*=}"; shift
done
shift
# PrivateTmp: a /tmp and /var/tmp of its own (kept in TMP_SRC to look at afterwards).
mount --bind "$TMP_SRC/var-tmp" /var/tmp
mount --bind "$TMP_SRC/tmp" /tmp
# ProtectHome: home directories empty and read-only.
for d in /home /root /run/user; do
  if [ -d "$d" ]; then mount -t tmpfs -o ro,mode=0755 tmpfs "$d"; fi
done
ENV=""
while [ "$1" != "--" ]; do ENV="$ENV $1"; shift; done
shift
if [ "$USR_ID" = - ]; then exec /usr/bin/env -i $ENV /bin/sh -c 'cd "$1" && shift && exec "$@"' sh "$@"; fi
exec setpriv --reuid="$USR_ID" --regid="$GRP_ID" --init-groups --no-new-privs --bounding-set=-all \\
  /usr/bin/env -i $ENV /bin/sh -c 'cd "$1" && shift && exec "$@"' sh "$@"`;

async function listing(dir: string): Promise<string> {
  return await runOk("find", [dir, "-printf", "%P %s %T@ %u\\n"]).then((out) =>
    out.split("\n").sort().join("\n")
  );
}

Deno.test({
  name: "systemd: the unit's ExecStart runs as its user in its sandbox and writes only its dirs",
  ignore: !canEmulate(),
  sanitizeResources: false,
  async fn(t) {
    const unit = parseUnit(await Deno.readTextFile(UNIT_FILE));
    const env = unitEnvironment(unit);
    const user = serviceValue(unit, "User")!;
    const group = serviceValue(unit, "Group") ?? user;
    const workdir = serviceValue(unit, "WorkingDirectory")!;
    const execStart = serviceValue(unit, "ExecStart")!.split(/\s+/);
    const writable = writablePaths(unit);

    await t.step(
      "the unit: an installed deno, a user, writable paths for the DB and DENO_DIR",
      () => {
        assert.match(execStart[0], /^\/.*\/deno$/, "ExecStart runs an installed deno, not npx");
        assert.ok(user && user !== "root", "a dedicated user");
        assert.equal(serviceValue(unit, "ProtectSystem"), "strict");
        assert.equal(serviceValue(unit, "ProtectHome"), "true");
        assert.ok(inside(env.ECHELON_DB_PATH, writable), `the DB in ${writable}`);
        assert.ok(inside(env.DENO_DIR, writable), `DENO_DIR in ${writable}`);
        assert.ok(inside(env.HOME, writable), `HOME in ${writable}`);
        assert.ok(!inside(workdir, writable), "the app itself is not writable");
      },
    );

    const created = (await run("id", ["-u", user])).code !== 0;
    if (created) {
      await runOk("useradd", [
        "--system",
        "--user-group",
        "--home-dir",
        env.HOME,
        "--no-create-home",
        "--shell",
        "/usr/sbin/nologin",
        user,
      ]);
    }
    const work = await Deno.makeTempDir({ prefix: "echelon-systemd-" });
    try {
      const uid = (await runOk("id", ["-u", user])).trim();
      const gid = (await runOk("getent", ["group", group])).split(":")[2];
      // The app as installed: the checkout's files, its node_modules and build (root-owned).
      const app = `${work}/app`;
      await Deno.mkdir(app, { mode: 0o755 });
      await runOk("sh", ["-c", 'git ls-files -z | xargs -0 cp --parents -t "$1"', "sh", app], {
        cwd: ROOT,
      });
      await Deno.stat(`${ROOT}/dist/tracker/ea.js`).catch(() => {
        throw new Error("dist/ is missing: run `deno task build` first");
      });
      await runOk("cp", ["-al", `${ROOT}/node_modules`, `${ROOT}/dist`, app]);
      const before = await listing(app);

      // Each writable directory, created for the user as systemd does (0755, user-owned).
      const pairs: string[] = [];
      for (const [i, path] of writable.entries()) {
        const dir = `${work}/writable${i}`;
        await Deno.mkdir(dir, { mode: 0o755 });
        await Deno.chown(dir, Number(uid), Number(gid));
        pairs.push(`${dir}=${path}`);
      }
      for (const d of ["tmp", "var-tmp"]) {
        await Deno.mkdir(`${work}/private/${d}`, { recursive: true });
        await Deno.chmod(`${work}/private/${d}`, 0o1777);
      }
      const home = (await runOk("getent", ["passwd", user])).split(":")[5];
      const serviceEnv = {
        PATH: SYSTEMD_PATH,
        USER: user,
        LOGNAME: user,
        HOME: home,
        SHELL: "/usr/sbin/nologin",
        ...env,
        // This machine's rule: a free port on the loopback (the unit listens on 127.0.0.1:1947).
        ECHELON_PORT: "0",
      };
      const sandbox = (id: string, command: string[]) =>
        scriptInMountNamespace(SANDBOX, [
          app,
          workdir,
          DENO,
          execStart[0],
          `${work}/private`,
          id,
          gid,
          ...pairs,
          "--",
          ...Object.entries(serviceEnv).map(([k, v]) => `${k}=${v}`),
          "--",
          workdir,
          ...command,
        ]);

      /** Where a path of the service's writable directories is on this machine. */
      const written = (path: string) => {
        const i = writable.indexOf(writable.find((w) => inside(path, [w]))!);
        return `${work}/writable${i}${path.slice(writable[i].length)}`;
      };

      await t.step("ExecStart serves as the user; SIGTERM stops it cleanly", async () => {
        const server = await startServer("unshare", sandbox(uid, execStart), {
          clearEnv: true,
          timeoutMs: 120_000,
        });
        const status = await server.stop();
        assert.equal(status.code, 0, server.log());
        assert.match(server.log(), /info stopped/);
        assert.doesNotMatch(server.log(), /EACCES|PermissionDenied|read-only file system/i);
      });

      await t.step("only the database and DENO_DIR were written", async () => {
        assert.equal(await listing(app), before, "the app directory is unchanged");
        const db = await Deno.stat(written(env.ECHELON_DB_PATH));
        assert.equal(db.uid, Number(uid), "the database belongs to the user");
        const cache = await runOk("find", [written(env.DENO_DIR), "-type", "f"]);
        assert.ok(cache.trim().split("\n").length > 10, "DENO_DIR holds the compiled app");
        const dbDir = env.ECHELON_DB_PATH.slice(0, env.ECHELON_DB_PATH.lastIndexOf("/"));
        const stateFiles = (await runOk("find", [written(dbDir), "-mindepth", "1"]))
          .trim().split("\n").map((p) => p.slice(p.lastIndexOf("/") + 1));
        for (const file of stateFiles) {
          assert.match(file, /^echelon\.db(-wal|-shm)?$/, `only the database in ${dbDir}`);
        }
        for (const d of ["tmp", "var-tmp"]) {
          const left = await runOk("find", [`${work}/private/${d}`, "-mindepth", "1"]);
          assert.equal(left, "", `nothing left in the private /${d.replace("-", "/")}`);
        }
      });

      const tasks = JSON.parse(await Deno.readTextFile(`${app}/deno.json`)).tasks ?? {};
      await t.step({
        name: "the admin CLI backs up as the user with the unit's paths (README's command)",
        // The admin CLI comes with another change of issue 15; until it is merged this is skipped.
        ignore: !("admin" in tasks),
        async fn() {
          const backup = `${env.ECHELON_DB_PATH}.backup`;
          const out = await run(
            "unshare",
            sandbox(uid, [execStart[0], "task", "admin", "backup", backup]),
            { clearEnv: true, timeoutMs: 120_000 },
          );
          assert.equal(out.code, 0, out.output);
          assert.equal((await Deno.stat(written(backup))).uid, Number(uid));
          await Deno.remove(written(backup));
        },
      });

      const analyze = await run("systemd-analyze", ["--version"]).then(
        (r) => r.code === 0,
        () => false,
      );
      await t.step({
        name: "systemd-analyze verify accepts the unit; its security exposure is at most 3.5",
        ignore: !analyze,
        async fn() {
          const out = await run(
            "unshare",
            sandbox("-", ["systemd-analyze", "verify", `${workdir}/confs/echelon.service`]),
            { clearEnv: true },
          );
          assert.equal(out.code, 0, out.output);
          assert.equal(out.output.trim(), "", out.output);
          // Its exposure score stays "OK" (3.2 today; 8.5 "EXPOSED" before issue 15).
          const security = await run("systemd-analyze", [
            "security",
            "--offline=true",
            "--threshold=35",
            UNIT_FILE,
          ]);
          assert.equal(security.code, 0, security.output.split("\n").slice(-3).join("\n"));
        },
      });
    } finally {
      await Deno.remove(work, { recursive: true });
      if (created) await runOk("userdel", [user]);
    }
  },
});
