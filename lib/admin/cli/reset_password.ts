// `admin reset-password [--generate]`: sets the admin password (user "admin") in the database,
// read twice without echo on a terminal or from standard input when piped; --generate makes a
// random one and prints it. Applies to the next sign-in without a restart and ends every admin
// session. ECHELON_USERNAME + ECHELON_PASSWORD_HASH win when set (lib/auth/admin_password.ts).
import {
  ENV_PINNED_MESSAGE,
  isPasswordPinnedByEnv,
  PasswordChangeError,
  setAdminPassword,
} from "../../auth/admin_password.ts";
import { generatePassword } from "../../auth/credentials.ts";
import { readSecret } from "../../cli/prompt.ts";
import { type AdminCommand, CliError, EXIT_USAGE } from "./command.ts";
import { withStore } from "./database_file.ts";

export const resetPasswordCommand: AdminCommand = {
  usage: "reset-password [--generate]",
  summary: "set the admin password (from a prompt or stdin; --generate prints a new one)",
  help: `Sets the password of the admin account ("admin") stored in the database. On a terminal it
is asked twice without echo; otherwise it is read from standard input (printf %s 'secret' | ...).
--generate makes a random 24-character password and prints it. It applies to the next sign-in,
no restart needed, and signs every admin session out. When ECHELON_USERNAME and
ECHELON_PASSWORD_HASH are set, they win and this command refuses.`,
  options: { generate: { type: "boolean" } },
  positionals: [0, 0],
  async run(ctx, args) {
    if (isPasswordPinnedByEnv(ctx.config)) throw new CliError(ENV_PINNED_MESSAGE);
    let password: string;
    if (args.options.generate) {
      password = generatePassword();
    } else {
      const input = await readSecret("New password");
      if (!input.ok) {
        throw new CliError(
          input.reason === "mismatch"
            ? "The passwords differ; nothing was changed."
            : "The password is empty; nothing was changed.",
          EXIT_USAGE,
        );
      }
      password = input.secret;
    }
    const result = await withStore(ctx, async (store) => {
      try {
        return await setAdminPassword({ config: ctx.config, store }, password, {
          keepTokenHash: null,
        });
      } catch (error) {
        if (error instanceof PasswordChangeError) throw new CliError(error.message, EXIT_USAGE);
        throw error;
      }
    });
    if (args.options.generate) ctx.io.out(password);
    ctx.io.note(
      `Password of "${result.username}" set; ${result.sessionsEnded} admin session(s) signed ` +
        "out. It applies to the next sign-in, no restart needed.",
    );
  },
};
