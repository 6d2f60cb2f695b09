// Starts bench/bare_server.ts (bare Deno.serve answering one route's bytes) as a child process
// and waits for its "listening on" line.
export const BARE_SERVER = new URL("./bare_server.ts", import.meta.url).pathname;

export type BareMode = "health" | "gif" | "event";

export interface BareServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export async function startBare(mode: BareMode = "health"): Promise<BareServer> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", BARE_SERVER, mode],
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
    pid: child.pid,
    async stop() {
      child.kill("SIGTERM");
      await child.status;
      await child.stdout.cancel().catch(() => {});
    },
  };
}
