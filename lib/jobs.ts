// Periodic work as one table of `{ name, everyMs, run }` (CONTRIBUTING.md, code rule 8). Each job
// is a plain function a test can call directly; the runner never overlaps two runs of the same job.

export interface Job {
  name: string;
  everyMs: number;
  run: () => void | Promise<void>;
  /** Delay before the first run; defaults to everyMs. */
  firstRunMs?: number;
  /** Asks a long run in flight to give up (called by the runner's stop() before it waits). */
  abort?: () => void;
}

export interface JobRunner {
  start(): void;
  stop(): Promise<void>;
  readonly running: boolean;
}

export function createJobRunner(
  jobs: readonly Job[],
  log: (msg: string, error: unknown) => void,
): JobRunner {
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  const inFlight = new Set<Promise<void>>();
  let running = false;

  const schedule = (job: Job, delay: number) => {
    if (!running) return;
    timers.set(
      job.name,
      setTimeout(() => {
        const run = (async () => {
          try {
            await job.run();
          } catch (error) {
            log(`job ${job.name} failed`, error);
          }
        })();
        inFlight.add(run);
        run.finally(() => {
          inFlight.delete(run);
          schedule(job, job.everyMs);
        });
      }, delay),
    );
  };

  return {
    get running() {
      return running;
    },
    start() {
      if (running) return;
      running = true;
      for (const job of jobs) schedule(job, job.firstRunMs ?? job.everyMs);
    },
    async stop() {
      running = false;
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
      for (const job of jobs) job.abort?.();
      await Promise.allSettled([...inFlight]);
    },
  };
}
