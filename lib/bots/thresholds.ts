// The bot score's thresholds, the reason of an unverified view and the bot filter of the raw
// lists and exports: what every engine, stat and page shares (lib/store/bots.ts), declared once
// here. lib/db/columns.ts, lib/db/bots.ts and lib/db/admin_views.ts re-export them for the SQLite
// engine's queries.

/** Score at and above which a visitor counts as a bot in every stat (one constant, one place). */
export const BOT_SCORE_THRESHOLD = 50;

/** Score from which a visitor is listed as suspicious ("medium" in the UI) by default. */
export const SUSPICIOUS_SCORE = 25;

/** `bot_reason` of a view that is only kept out for lack of trusted input: an unverified view. */
export const UNVERIFIED_REASON = "no_interaction";

/** Which rows a raw list or export shows by score: everything, clean rows only, or bots only. */
export type BotFilter = "all" | "humans" | "bots";
