// A process's memory from /proc/<pid>/status (Linux): resident set now (VmRSS) and its peak since
// the process started (VmHWM, the high-water mark), in MB.

export interface ProcessMemory {
  rssMb: number;
  peakRssMb: number;
}

export function parseProcStatus(status: string): ProcessMemory {
  const mb = (field: string) => {
    const kb = status.match(new RegExp(`^${field}:\\s+(\\d+) kB$`, "m"))?.[1];
    if (kb === undefined) throw new Error(`/proc status without ${field}`);
    return Math.round(Number(kb) / 1024 * 10) / 10;
  };
  return { rssMb: mb("VmRSS"), peakRssMb: mb("VmHWM") };
}

export function processMemory(pid: number): ProcessMemory {
  return parseProcStatus(Deno.readTextFileSync(`/proc/${pid}/status`));
}
