// The product version, from package.json (one source of truth for npm, the UI and /api/health).
import pkg from "../package.json" with { type: "json" };

export const VERSION: string = pkg.version;
