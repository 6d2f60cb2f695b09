// The calling thread's CPU time in nanoseconds (clock_gettime(CLOCK_THREAD_CPUTIME_ID) through
// Deno's FFI, Linux): the in-process pixel benches time the main thread with it, since on a
// machine shared with other work wall time mostly measures the wait for a core, and /proc's
// per-thread figures tick only every 10 ms. Needs --allow-ffi (-A).

const CLOCK_THREAD_CPUTIME_ID = 3;

export type ThreadCpu = () => number;

/** A reader of this thread's CPU ns, or null where libc or FFI is unavailable. */
export function threadCpuClock(): ThreadCpu | null {
  let lib;
  try {
    lib = Deno.dlopen("libc.so.6", {
      clock_gettime: { parameters: ["i32", "buffer"], result: "i32" },
    });
  } catch {
    return null;
  }
  const timespec = new BigInt64Array(2);
  const bytes = new Uint8Array(timespec.buffer);
  return () => {
    if (lib.symbols.clock_gettime(CLOCK_THREAD_CPUTIME_ID, bytes) !== 0) {
      throw new Error("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
    }
    return Number(timespec[0]) * 1e9 + Number(timespec[1]);
  };
}
