// Instance-wide settings stored in the database (the generated secret, telemetry opt-in, ...).
import type { Database } from "./database.ts";

export function instanceSetting(db: Database, key: string): string | undefined {
  return db.get<{ value: string }>("SELECT value FROM instance_settings WHERE key = ?", key)
    ?.value;
}

export function setInstanceSetting(db: Database, key: string, value: string): void {
  db.run(
    `INSERT INTO instance_settings (key, value) VALUES (?, ?)
     ON CONFLICT(key) DO UPDATE SET value = excluded.value,
       updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')`,
    key,
    value,
  );
}

/** Inserts `value` only when `key` is absent, and returns whichever value is stored. */
export function instanceSettingOrInsert(db: Database, key: string, value: string): string {
  db.run("INSERT OR IGNORE INTO instance_settings (key, value) VALUES (?, ?)", key, value);
  return instanceSetting(db, key) as string;
}
