// The schema, as numbered append-only migrations. Never edit a released entry: add a new one.
import type { Migration } from "./migrate.ts";

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "instance_settings",
    sql: `
      CREATE TABLE instance_settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
      );
    `,
  },
];
