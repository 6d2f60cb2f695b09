// A real, small filesystem for the disk-full fault tests: a tmpfs mounted on a fresh temporary
// directory (root only), filled to the last byte by a filler file and freed by deleting it, so
// SQLite meets the kernel's ENOSPC wherever it writes (WAL frames at COMMIT, checkpoints, -shm).

/** True when this process may mount filesystems (the tests are ignored otherwise). */
export const CAN_MOUNT = Deno.build.os === "linux" && Deno.uid() === 0;
const SIZE_MB = 20;

export interface Tmpfs {
  dir: string;
  /** Writes a filler file until the disk refuses another byte; returns its size. */
  fill(): Promise<number>;
  /** Deletes the filler: the space is back. */
  free(): Promise<void>;
  /** Bytes still free (from `df`). */
  available(): Promise<number>;
}

async function run(cmd: string, args: string[]): Promise<string> {
  const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success) {
    throw new Error(`${cmd} ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  }
  return text;
}

/** Runs `fn` with a fresh tmpfs of `sizeMb`, unmounted (and removed) afterwards. */
export async function withTmpfs<T>(sizeMb: number, fn: (fs: Tmpfs) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "echelon-tmpfs-" });
  await run("mount", ["-t", "tmpfs", "-o", `size=${sizeMb}m`, "tmpfs", dir]);
  const filler = `${dir}/filler`;
  const fs: Tmpfs = {
    dir,
    async fill() {
      const file = await Deno.open(filler, { write: true, create: true, append: true });
      // Large chunks first, then smaller ones: the last partial page is taken too.
      for (const size of [1 << 20, 1 << 16, 1 << 12, 512, 1]) {
        const chunk = new Uint8Array(size).fill(0x55);
        try {
          while (true) file.writeSync(chunk);
        } catch (error) {
          if (!isNoSpace(error)) throw error;
        }
      }
      file.close();
      return (await Deno.stat(filler)).size;
    },
    async free() {
      await Deno.remove(filler);
    },
    async available() {
      const lines = (await run("df", ["--output=avail", "-B1", dir])).trim().split("\n");
      return Number(lines.at(-1));
    },
  };
  try {
    return await fn(fs);
  } finally {
    // A process still holding files keeps the mount busy: lazy unmount detaches it anyway.
    await run("umount", ["-l", dir]).catch((error) => console.error(error));
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

function isNoSpace(error: unknown): boolean {
  return error instanceof Error && /No space left on device|os error 28/.test(error.message);
}

/** A test given its own 20 MB tmpfs; reported as ignored where mounting is not allowed. */
export function tmpfsTest(name: string, fn: (fs: Tmpfs) => Promise<void>): void {
  Deno.test({ name, ignore: !CAN_MOUNT, fn: () => withTmpfs(SIZE_MB, fn) });
}
