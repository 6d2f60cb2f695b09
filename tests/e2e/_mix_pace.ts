// Pacing for the traffic-mix test: people take their time, and so do bots that imitate them.

export const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** An integer in [min, max]. */
export function rand(min: number, max: number): number {
  return min + Math.floor(Math.random() * (max - min + 1));
}

export function pick<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)];
}

/** Runs `tasks` with at most `limit` at once, in order; rejects with the first failure. */
export async function pool(tasks: (() => Promise<void>)[], limit: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) await tasks[next++]();
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
}
