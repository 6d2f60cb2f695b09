// The admin account on SQLite (lib/store/admin_account.ts): the password hash is an instance
// setting, replaced together with the sessions it ends in one transaction.
import type { Database } from "../../db/database.ts";
import { endSessionsExcept } from "../../db/sessions.ts";
import { instanceSetting, instanceSettingOrInsert, setInstanceSetting } from "../../db/settings.ts";
import { ADMIN_PASSWORD_SETTING, type AdminAccountStore } from "../admin_account.ts";

export function sqliteAdminAccount(db: Database): AdminAccountStore {
  return {
    passwordHash: () => Promise.try(() => instanceSetting(db, ADMIN_PASSWORD_SETTING) ?? null),
    initPasswordHash: (hash) =>
      Promise.try(() => instanceSettingOrInsert(db, ADMIN_PASSWORD_SETTING, hash)),
    replacePassword: (change) =>
      Promise.try(() =>
        db.transaction(() => {
          setInstanceSetting(db, ADMIN_PASSWORD_SETTING, change.passwordHash);
          return endSessionsExcept(db, change.keepTokenHash, change.keptCredentialTag);
        })
      ),
  };
}
