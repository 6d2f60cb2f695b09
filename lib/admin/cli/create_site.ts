// `admin create-site <id> [--name <name>]`: adds a site as the admin pages and POST /api/sites do,
// with their validation (lib/admin/sites.ts). A running server sees it at its next cache refresh.
import { parseSiteId, parseSiteName } from "../sites.ts";
import { type AdminCommand, CliError, EXIT_USAGE, stringOption } from "./command.ts";
import { withStore } from "./database_file.ts";

const OUTCOMES = {
  created: "created",
  registered: "registered (it was already known from its hits)",
  exists: "already exists; nothing was changed",
} as const;

export const createSiteCommand: AdminCommand = {
  usage: "create-site <id> [--name <name>]",
  summary: "add a site (the same rules as the admin Sites page)",
  help:
    `Adds the site <id> (1-64 letters, digits, dot, dash or underscore; stored lower-case) with an
optional display name. A site already known from its hits becomes an admin site; an existing admin
site is left alone.`,
  options: { name: { type: "string" } },
  positionals: [1, 1],
  async run(ctx, args) {
    const id = parseSiteId(args.positionals[0]);
    const name = parseSiteName(stringOption(args, "name"));
    const errors = [id, name].flatMap((p) => (p.ok ? [] : p.errors));
    if (!id.ok || !name.ok) throw new CliError(errors.join(" "), EXIT_USAGE);
    const outcome = await withStore(ctx, (store) => store.sites.create(id.value, name.value));
    ctx.io.out(`create-site: ${id.value} ${OUTCOMES[outcome]}`);
  },
};
