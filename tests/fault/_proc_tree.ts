// A server and its child processes (the read processes of lib/reads/) seen from /proc (Linux):
// their resident memory together, and the CPU time they use, so a fault test can tell a stopped
// read (its process gone, its core idle) from one still running unseen, on a thread or not.
import { processMemory } from "../../bench/proc_memory.ts";

/** The process and its children, from /proc/<pid>/task/<tid>/children. */
export function processTree(pid: number): number[] {
  const children: number[] = [];
  try {
    for (const task of Deno.readDirSync(`/proc/${pid}/task`)) {
      const listed = Deno.readTextFileSync(`/proc/${pid}/task/${task.name}/children`);
      for (const child of listed.split(" ").filter(Boolean)) children.push(Number(child));
    }
  } catch {
    // the process or a thread ended while listing
  }
  return [pid, ...children];
}

/** Resident memory of the process and its children, MB (a child that just ended counts 0). */
export function treeRssMb(pid: number): number {
  let total = 0;
  for (const member of processTree(pid)) {
    try {
      total += processMemory(member).rssMb;
    } catch {
      // ended meanwhile
    }
  }
  return Math.round(total);
}

/** CPU time (user + system) used so far by the process (all its threads) and each child, ms. */
export function treeCpuMs(pid: number): Map<number, number> {
  const ticksMs = 10; // USER_HZ is 100 on Linux
  const times = new Map<number, number>();
  for (const member of processTree(pid)) {
    try {
      const stat = Deno.readTextFileSync(`/proc/${member}/stat`);
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      times.set(member, (Number(fields[11]) + Number(fields[12])) * ticksMs);
    } catch {
      // ended meanwhile
    }
  }
  return times;
}

/** CPU the process and its children used over the next `ms` (a child ending meanwhile: 0). */
export async function treeCpuOver(pid: number, ms: number): Promise<number> {
  const before = treeCpuMs(pid);
  await new Promise((resolve) => setTimeout(resolve, ms));
  let used = 0;
  for (const [member, total] of treeCpuMs(pid)) used += total - (before.get(member) ?? 0);
  return used;
}
