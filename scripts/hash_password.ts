// `deno task hash-password`: prints the PBKDF2-SHA256 hash line for ECHELON_PASSWORD_HASH.
// The password comes from a hidden prompt (asked twice) on a terminal, from stdin when piped
// (`printf %s 'secret' | deno task hash-password`), or from the first argument (visible in shell
// history and `ps`, so the other two are preferred). Only the hash is printed, on stdout.
import { hashPassword } from "../lib/auth/password.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

async function main(args: string[]): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    console.error("usage: deno task hash-password [password]   (no argument: prompt or stdin)");
    return 0;
  }
  let password: string;
  if (args.length > 0) {
    password = args[0];
  } else if (Deno.stdin.isTerminal()) {
    password = await promptHidden("Password: ");
    if (password !== await promptHidden("Repeat password: ")) {
      console.error("The passwords differ; nothing was printed.");
      return 1;
    }
  } else {
    // A trailing newline from `echo` is not part of the password.
    password = (await new Response(Deno.stdin.readable).text()).replace(/\r?\n$/, "");
  }
  if (password === "") {
    console.error("The password is empty; nothing was printed.");
    return 1;
  }
  if (password.length < 12) {
    console.error("Warning: a password of at least 12 characters is recommended.");
  }
  console.log(await hashPassword(password));
  return 0;
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

if (import.meta.main) Deno.exit(await main(Deno.args));
