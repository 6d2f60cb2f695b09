// Instance settings on SQLite (lib/store/settings.ts), over lib/db/settings.ts.
import type { Database } from "../../db/database.ts";
import { instanceSetting, instanceSettingOrInsert, setInstanceSetting } from "../../db/settings.ts";
import type { SettingsStore } from "../settings.ts";

export function sqliteSettings(db: Database): SettingsStore {
  return {
    get: (key) => Promise.try(() => instanceSetting(db, key) ?? null),
    getMany: (keys) =>
      Promise.try(() => {
        const found = new Map<string, string>();
        for (const key of keys) {
          const value = instanceSetting(db, key);
          if (value !== undefined) found.set(key, value);
        }
        return found;
      }),
    set: (entries) =>
      Promise.try(() =>
        db.transaction(() => {
          for (const [key, value] of Object.entries(entries)) setInstanceSetting(db, key, value);
        })
      ),
    getOrInsert: (key, value) => Promise.try(() => instanceSettingOrInsert(db, key, value)),
  };
}
