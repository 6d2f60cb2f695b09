// `deno task admin <command>`: operator tasks on the database (backup, restore, reset-password,
// create-site, rebuild-aggregates, export); `deno task admin help` lists them. The commands live
// in lib/admin/cli/; this entry point only hands them the arguments, environment and streams.
import { runAdminCli } from "../lib/admin/cli/mod.ts";

if (import.meta.main) {
  const code = await runAdminCli(Deno.args, {
    env: Deno.env.toObject(),
    io: { out: (line) => console.log(line), note: (line) => console.error(line) },
  });
  Deno.exit(code);
}
