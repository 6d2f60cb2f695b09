// A process's CPU time so far (user + system) from /proc/<pid>/stat (Linux), in milliseconds.
// On a machine shared with other work, CPU time per request moves far less than requests per
// second: waiting for a core is not counted.

/** Clock ticks per second of /proc's utime and stime (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

export function parseProcStat(stat: string): number {
  // Field 2 (comm) is parenthesised and may contain spaces: count fields after its ")".
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const utime = Number(fields[11]); // field 14
  const stime = Number(fields[12]); // field 15
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error("bad /proc stat");
  return ((utime + stime) * 1000) / TICKS_PER_SECOND;
}

export function processCpuMs(pid: number): number {
  return parseProcStat(Deno.readTextFileSync(`/proc/${pid}/stat`));
}

/** CPU ms so far of each thread of process `pid`, keyed "<name> <tid>" (/proc/<pid>/task). */
export function threadCpuMs(pid: number): Map<string, number> {
  const threads = new Map<string, number>();
  for (const entry of Deno.readDirSync(`/proc/${pid}/task`)) {
    try {
      const stat = Deno.readTextFileSync(`/proc/${pid}/task/${entry.name}/stat`);
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      threads.set(`${name} ${entry.name}`, parseProcStat(stat));
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return threads;
}
