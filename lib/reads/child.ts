// One read process seen from the main process: `deno run` of child_main.ts with its memory
// limits (V8's heap and SQLite's, ECHELON_READ_MEMORY_MB each), sent one read at a time over
// stdin, answering on stdout with its resident memory after the read. `kill()` is SIGKILL: the
// only way to stop a statement node:sqlite is running, and the OS takes back all it held at once.
// It runs at a lower CPU priority (`nice -n 10`, when `nice` is on the PATH): on a busy machine a
// read yields the core to the process answering /b.gif, whose p99 it must not move.
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import {
  encodeFrame,
  errorOf,
  FrameDecoder,
  type ReadProcessConfig,
  type ReadReply,
  type ReadRequest,
} from "./protocol.ts";
import { readProcessLost } from "./refusals.ts";

const ENTRY = fileURLToPath(new URL("./child_main.ts", import.meta.url));
const CONFIG_FILE = fileURLToPath(new URL("../../deno.json", import.meta.url));

interface Waiting {
  id: number;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

export class ReadChild {
  readonly #child: Deno.ChildProcess;
  readonly #stdin: WritableStreamDefaultWriter<Uint8Array>;
  #waiting: Waiting | null = null;
  #ended: string | null = null;
  /** The process's resident memory after its last answer, MiB. */
  rssMb = 0;
  /** Resolves once the process has exited and its output is read. */
  readonly exited: Promise<void>;

  constructor(config: ReadProcessConfig) {
    this.#child = spawnNice([
      Deno.execPath(),
      "run",
      "--quiet",
      "--no-prompt",
      ...configFlag(),
      "--allow-read",
      `--allow-write=${dirname(config.path)}`,
      `--v8-flags=--max-old-space-size=${config.memoryMb}`,
      ENTRY,
      JSON.stringify(config),
    ]);
    this.#stdin = this.#child.stdin.getWriter();
    this.exited = Promise.all([this.#child.status, this.#readReplies()]).then(([status]) => {
      this.#ended = status.signal ? `killed by ${status.signal}` : `exit code ${status.code}`;
      this.#stdin.abort().catch(() => {});
      const waiting = this.#waiting;
      this.#waiting = null;
      waiting?.reject(readProcessLost(this.#ended));
    });
  }

  /** Sends one read; the process answers one read at a time. */
  request(request: ReadRequest): Promise<unknown> {
    if (this.#ended !== null) return Promise.reject(readProcessLost(this.#ended));
    if (this.#waiting) return Promise.reject(new Error("a read process runs one read at a time"));
    return new Promise((resolve, reject) => {
      this.#waiting = { id: request.id, resolve, reject };
      // A write to a process that just died fails; `exited` then rejects the read.
      this.#stdin.write(encodeFrame(request)).catch(() => {});
    });
  }

  /** Ends the process now, whatever it is running. */
  kill(): void {
    try {
      this.#child.kill("SIGKILL");
    } catch {
      // already gone
    }
  }

  /** Lets the process close its connection and exit (EOF on stdin); kills it after `graceMs`. */
  async close(graceMs: number): Promise<void> {
    this.#stdin.close().catch(() => {});
    const timer = setTimeout(() => this.kill(), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  async #readReplies(): Promise<void> {
    const decoder = new FrameDecoder();
    for await (const chunk of this.#child.stdout) {
      for (const reply of decoder.push(chunk) as ReadReply[]) {
        const waiting = this.#waiting;
        if (!waiting || waiting.id !== reply.id) continue;
        this.#waiting = null;
        this.rssMb = reply.rssMb;
        if ("error" in reply) waiting.reject(errorOf(reply.error));
        else waiting.resolve(reply.result);
      }
    }
  }
}

const NICENESS = "10";
let niceMissing = false;

/** Starts `command` under `nice` (same pid: nice execs it), or directly where there is no nice. */
function spawnNice(command: string[]): Deno.ChildProcess {
  const options = { stdin: "piped", stdout: "piped", stderr: "inherit" } as const;
  if (!niceMissing) {
    try {
      return new Deno.Command("nice", { args: ["-n", NICENESS, ...command], ...options }).spawn();
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
      niceMissing = true;
    }
  }
  return new Deno.Command(command[0], { args: command.slice(1), ...options }).spawn();
}

let configFlagCache: string[] | null = null;

/** The app's deno.json, so the child resolves the same npm packages wherever it was started. */
function configFlag(): string[] {
  if (configFlagCache === null) {
    try {
      Deno.statSync(CONFIG_FILE);
      configFlagCache = [`--config=${CONFIG_FILE}`];
    } catch {
      configFlagCache = [];
    }
  }
  return configFlagCache;
}
