// How often daily-rotating visitor ids count a person twice in a local day (README "Rollups and
// retention", local days). Ids rotate at UTC midnight (lib/ingest/identity.ts), so a person seen on both
// sides of it within one local day is two visitors there. This simulates one local day of a
// model site for several UTC offsets and prints the share of people counted twice.
//
// Model (stated, not measured traffic): people arrive along a typical daytime curve (local hour
// weights below); a visit lasts an exponential time (mean 4 min, views every minute); with
// probability RETURN_RATE a person comes back once later the same local day. Deterministic.
//
//   npx -y deno@2.9.6 run bench/local_day_visitors.ts

const PEOPLE = 100_000;
const RETURN_RATE = 0.25;
const MEAN_VISIT_MIN = 4;
/** Relative arrivals per local hour 0..23. */
const HOURLY = [2, 1, 1, 1, 1, 2, 4, 7, 9, 10, 10, 10, 9, 9, 10, 10, 10, 10, 11, 12, 12, 10, 7, 4];
const OFFSETS: [string, number][] = [
  ["UTC", 0],
  ["Europe/Berlin (+1)", 60],
  ["Asia/Kolkata (+5:30)", 330],
  ["America/New_York (-5)", -300],
  ["America/Los_Angeles (-8)", -480],
  ["Pacific/Auckland (+13)", 780],
];

/** mulberry32: a small deterministic PRNG. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const total = HOURLY.reduce((s, w) => s + w, 0);

/** A local minute of the day along the arrival curve, at or after `after`. */
function arrival(random: () => number, after = 0): number | null {
  for (let tries = 0; tries < 20; tries++) {
    let pick = random() * total;
    let hour = 0;
    while (pick >= HOURLY[hour]) pick -= HOURLY[hour++];
    const minute = hour * 60 + Math.floor(random() * 60);
    if (minute >= after) return minute;
  }
  return null;
}

/** The local minutes of one visit's views, within the local day. */
function visit(random: () => number, start: number): number[] {
  const length = -Math.log(1 - random()) * MEAN_VISIT_MIN;
  const views: number[] = [];
  for (let t = start; t <= start + length && t < 1440; t += 1) views.push(t);
  return views;
}

for (const [name, offsetMin] of OFFSETS) {
  const random = prng(16);
  // UTC midnight falls at this local minute of the day (none when the offset is 0).
  const cut = ((offsetMin % 1440) + 1440) % 1440;
  let twice = 0;
  let splitVisits = 0;
  let visits = 0;
  for (let p = 0; p < PEOPLE; p++) {
    const first = arrival(random)!;
    const views = visit(random, first);
    visits++;
    if (cut > 0 && views[0] < cut && views[views.length - 1] >= cut) splitVisits++;
    if (random() < RETURN_RATE) {
      const again = arrival(random, views[views.length - 1] + 30);
      if (again !== null) {
        views.push(...visit(random, again));
        visits++;
      }
    }
    if (cut > 0 && views.some((t) => t < cut) && views.some((t) => t >= cut)) twice++;
  }
  const pct = (n: number, d: number) => `${((n / d) * 100).toFixed(2)} %`;
  console.log(
    `${name.padEnd(26)} UTC midnight at local ${String(Math.floor(cut / 60)).padStart(2, "0")}:` +
      `${String(cut % 60).padStart(2, "0")}  people counted twice ${pct(twice, PEOPLE)}  ` +
      `visits split ${pct(splitVisits, visits)}`,
  );
}
