// Runs the real server as a child process (for lifecycle and fault tests): waits for its
// "listening" line, collects its log, and sends signals.
const MAIN = new URL("../main.ts", import.meta.url).pathname;

export interface ServerProcess {
  port: number;
  baseUrl: string;
  child: Deno.ChildProcess;
  log(): string;
  /** Sends `signal` and resolves with the exit status. */
  stop(signal?: Deno.Signal): Promise<Deno.CommandStatus>;
}

export async function spawnServer(
  env: Record<string, string>,
  timeoutMs = 20_000,
  options: { openFileLimit?: number } = {},
): Promise<ServerProcess> {
  const run = [Deno.execPath(), "run", "-A", MAIN];
  // `ulimit -n` then exec: the server keeps the shell's pid, so signals reach it.
  const [command, ...args] = options.openFileLimit === undefined
    ? run
    : ["sh", "-c", `ulimit -n ${options.openFileLimit} && exec "$@"`, "sh", ...run];
  const child = new Deno.Command(command, {
    args,
    env: { ECHELON_PORT: "0", ECHELON_HOSTNAME: "127.0.0.1", NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const { log, drained } = collectOutput(child);
  const deadline = Date.now() + timeoutMs;
  let port = 0;
  while (!port) {
    const match = log().match(/listening on http:\/\/127\.0\.0\.1:(\d+)/);
    if (match) port = Number(match[1]);
    else if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`server did not start:\n${log()}`);
    } else await new Promise((r) => setTimeout(r, 25));
  }
  return {
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    child,
    log,
    async stop(signal: Deno.Signal = "SIGTERM") {
      child.kill(signal);
      const status = await child.status;
      await drained;
      return status;
    },
  };
}

/** Collects a child's stdout and stderr as text; `drained` resolves when both streams end. */
export function collectOutput(child: Deno.ChildProcess): { log(): string; drained: Promise<void> } {
  let log = "";
  const decoder = new TextDecoder();
  const drain = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) log += decoder.decode(chunk, { stream: true });
  };
  const drained = Promise.all([drain(child.stdout), drain(child.stderr)]).then(() => {});
  return { log: () => log, drained };
}

/** Runs the server until it exits on its own; a server still running after `timeoutMs` is sent
 * SIGTERM (so a start that should have been refused shows up as a clean exit, code 0). */
export async function runToExit(
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<{ code: number; output: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN],
    env: { ECHELON_HOSTNAME: "127.0.0.1", NO_COLOR: "1", ...env },
    signal: AbortSignal.timeout(timeoutMs),
  }).output();
  const decoder = new TextDecoder();
  return { code: out.code, output: decoder.decode(out.stdout) + decoder.decode(out.stderr) };
}
