// `deno task hash-password`: prints the PBKDF2-SHA256 hash line for ECHELON_PASSWORD_HASH.
// The password comes from a hidden prompt (asked twice) on a terminal, from stdin when piped
// (`printf %s 'secret' | deno task hash-password`), or from the first argument (visible in shell
// history and `ps`, so the other two are preferred). Only the hash is printed, on stdout.
import { hashPassword } from "../lib/auth/password.ts";
import { readSecret } from "../lib/cli/prompt.ts";

async function main(args: string[]): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    console.error("usage: deno task hash-password [password]   (no argument: prompt or stdin)");
    return 0;
  }
  let password: string;
  if (args.length > 0) {
    password = args[0];
  } else {
    const input = await readSecret("Password");
    if (!input.ok && input.reason === "mismatch") {
      console.error("The passwords differ; nothing was printed.");
      return 1;
    }
    password = input.ok ? input.secret : "";
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

if (import.meta.main) Deno.exit(await main(Deno.args));
