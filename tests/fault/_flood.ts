// A closed-loop flood for the fault tests, run as its own process so the measuring test's event
// loop stays free: `deno run -A _flood.ts <url> <connections> <ms> [header:value…]` fetches
// `url` from `connections` loops until `ms` have passed and prints how many answers arrived.
const [url, connections, ms, ...headerArgs] = Deno.args;
const headers = Object.fromEntries(headerArgs.map((h) => h.split(/:(.*)/s).slice(0, 2)));
const until = performance.now() + Number(ms);
let answers = 0;
let failures = 0;
await Promise.all(Array.from({ length: Number(connections) }, async () => {
  while (performance.now() < until) {
    try {
      const res = await fetch(url, { headers });
      await res.arrayBuffer();
      if (res.ok) answers++;
      else failures++;
    } catch {
      failures++;
    }
  }
}));
console.log(JSON.stringify({ answers, failures }));
