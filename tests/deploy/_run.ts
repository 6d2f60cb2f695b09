// Commands for the deploy tests: run one to its end within a time bound, or start a server and
// wait until /api/health answers on the port its "listening" line names.
import { collectOutput } from "../_process.ts";

export const ROOT = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");
/** The deno running the tests: the one deploys install (2.9.6). */
export const DENO = Deno.execPath();
const decoder = new TextDecoder();

export interface RunResult {
  code: number;
  output: string;
}

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string>;
  clearEnv?: boolean;
  timeoutMs?: number;
  /** Written to the command's stdin, which is then closed (else stdin is null). */
  stdin?: string;
}

/** Runs `command args…` to its end (killed after `timeoutMs`), stdout and stderr together. */
export async function run(
  command: string,
  args: string[],
  options: RunOptions = {},
): Promise<RunResult> {
  const child = new Deno.Command(command, {
    args,
    cwd: options.cwd,
    env: options.env,
    clearEnv: options.clearEnv,
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(options.timeoutMs ?? 120_000),
  }).spawn();
  if (options.stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(options.stdin));
    await writer.close();
  }
  const out = await child.output();
  return { code: out.code, output: decoder.decode(out.stdout) + decoder.decode(out.stderr) };
}

/** Runs it and fails with its output unless it exits 0. */
export async function runOk(
  command: string,
  args: string[],
  options: RunOptions = {},
): Promise<string> {
  const result = await run(command, args, options);
  if (result.code !== 0) {
    throw new Error(`${command} ${args.join(" ")} exited ${result.code}:\n${result.output}`);
  }
  return result.output;
}

export interface Started {
  baseUrl: string;
  log(): string;
  /** SIGTERM to the started process; resolves with its exit status once its output ended. */
  stop(): Promise<Deno.CommandStatus>;
}

/** Starts a server and waits (at most `timeoutMs`) until /api/health answers 200. */
export async function startServer(
  command: string,
  args: string[],
  options: RunOptions = {},
): Promise<Started> {
  const child = new Deno.Command(command, {
    args,
    cwd: options.cwd,
    env: options.env,
    clearEnv: options.clearEnv,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const { log, drained } = collectOutput(child);
  let exited = false;
  child.status.then(() => exited = true);
  const stop = async () => {
    if (!exited) child.kill("SIGTERM");
    const status = await child.status;
    await drained;
    return status;
  };
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  while (true) {
    const port = log().match(/listening on http:\/\/127\.0\.0\.1:(\d+)/)?.[1];
    if (port) {
      const baseUrl = `http://127.0.0.1:${port}`;
      const res = await fetch(`${baseUrl}/api/health`).catch(() => null);
      await res?.body?.cancel();
      if (res?.status === 200) return { baseUrl, log, stop };
    }
    if (exited || Date.now() > deadline) {
      if (!exited) child.kill("SIGKILL");
      await child.status;
      await drained;
      throw new Error(`${command} ${args.join(" ")} did not become healthy:\n${log()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
