// UTC calendar days as YYYY-MM-DD strings: the day arithmetic the jobs, the reads and the engine
// share (lib/db/rollups.ts re-exports it for the engine's queries).

const DAY_MS = 86_400_000;

/** The UTC day `days` after `date` (before it when negative). */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00.000Z`) + days * DAY_MS).toISOString().slice(0, 10);
}
