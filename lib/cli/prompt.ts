// Reading a secret on the command line (`deno task hash-password`, `deno task admin
// reset-password`): a hidden prompt asked twice on a terminal, else standard input to its end
// (`printf %s 'secret' | …`), with one trailing newline dropped.
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export type SecretInput =
  | { ok: true; secret: string }
  | { ok: false; reason: "mismatch" | "empty" };

/** The secret typed twice (terminal) or piped in (anything else). */
export async function readSecret(label: string): Promise<SecretInput> {
  let secret: string;
  if (Deno.stdin.isTerminal()) {
    secret = await promptHidden(`${label}: `);
    if (secret !== await promptHidden(`Repeat ${label.toLowerCase()}: `)) {
      return { ok: false, reason: "mismatch" };
    }
  } else {
    // A trailing newline from `echo` is not part of the secret.
    secret = (await new Response(Deno.stdin.readable).text()).replace(/\r?\n$/, "");
  }
  return secret === "" ? { ok: false, reason: "empty" } : { ok: true, secret };
}

/** Reads one line from the terminal in raw mode, so nothing is echoed. */
async function promptHidden(prompt: string): Promise<string> {
  await Deno.stderr.write(encoder.encode(prompt));
  Deno.stdin.setRaw(true);
  const chars: string[] = [];
  const buffer = new Uint8Array(64);
  try {
    reading: while (true) {
      const n = await Deno.stdin.read(buffer);
      if (n === null) break;
      for (const char of decoder.decode(buffer.subarray(0, n), { stream: true })) {
        if (char === "\r" || char === "\n") break reading;
        if (char === "\u0003") {
          Deno.stdin.setRaw(false);
          await Deno.stderr.write(encoder.encode("\n"));
          Deno.exit(130);
        }
        if (char === "\u007f" || char === "\b") chars.pop();
        else chars.push(char);
      }
    }
  } finally {
    Deno.stdin.setRaw(false);
    await Deno.stderr.write(encoder.encode("\n"));
  }
  return chars.join("");
}
