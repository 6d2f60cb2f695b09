// `deno task bench`: runs every benchmark section, prints a table and writes
// bench/results/latest.json and latest.md. Each figure names the command that produced it.
import { spawnServer } from "../tests/_process.ts";
import { hasWrk, type LoadResult, runWrk } from "./wrk.ts";

interface Figure {
  name: string;
  value: number;
  unit: string;
  baseline?: number;
  ratio?: number;
  command: string;
}

const figures: Figure[] = [];
const BARE = new URL("./bare_server.ts", import.meta.url).pathname;

async function startBare(): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", BARE],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!/listening on (\S+)/.test(text)) {
    const { value, done } = await reader.read();
    if (done) throw new Error("bare server exited");
    text += value;
  }
  reader.releaseLock();
  return {
    url: text.match(/listening on (\S+)/)![1],
    async stop() {
      child.kill("SIGTERM");
      await child.status;
      await child.stdout.cancel().catch(() => {});
    },
  };
}

async function benchHealth(): Promise<void> {
  const dir = await Deno.makeTempDir();
  const app = await spawnServer({ ECHELON_DB_PATH: `${dir}/bench.db` });
  const bare = await startBare();
  try {
    const load = (url: string): Promise<LoadResult> => runWrk(url, { durationSec: 8 });
    await runWrk(`${app.baseUrl}/api/health`, { durationSec: 2 }); // warm-up (JIT)
    await runWrk(`${bare.url}/`, { durationSec: 2 });
    const base = await load(`${bare.url}/`);
    const ours = await load(`${app.baseUrl}/api/health`);
    figures.push({
      name: "GET /api/health (full app) vs bare Deno.serve",
      value: Math.round(ours.requestsPerSec),
      unit: "req/s",
      baseline: Math.round(base.requestsPerSec),
      ratio: round(ours.requestsPerSec / base.requestsPerSec),
      command: "deno task bench (wrk -t2 -c64 -d8s, 127.0.0.1)",
    });
  } finally {
    await app.stop();
    await bare.stop();
    await Deno.remove(dir, { recursive: true });
  }
}

function round(n: number, digits = 3): number {
  return Math.round(n * 10 ** digits) / 10 ** digits;
}

function markdown(rows: Figure[]): string {
  const lines = [
    "| Benchmark | Result | Baseline | Ratio | Command |",
    "|---|---|---|---|---|",
    ...rows.map((f) =>
      `| ${f.name} | ${f.value.toLocaleString("en-US")} ${f.unit} | ${
        f.baseline?.toLocaleString("en-US") ?? "—"
      } | ${f.ratio ?? "—"} | \`${f.command}\` |`
    ),
  ];
  return lines.join("\n") + "\n";
}

if (import.meta.main) {
  if (!hasWrk()) {
    console.error("wrk is required: apt-get install -y wrk");
    Deno.exit(1);
  }
  await benchHealth();
  const result = {
    date: new Date().toISOString(),
    machine: { cpus: navigator.hardwareConcurrency, deno: Deno.version.deno },
    figures,
  };
  const dir = new URL("./results/", import.meta.url);
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(new URL("latest.json", dir), JSON.stringify(result, null, 2) + "\n");
  await Deno.writeTextFile(new URL("latest.md", dir), markdown(figures));
  console.log(markdown(figures));
}
