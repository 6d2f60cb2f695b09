// The one admin account: ECHELON_USERNAME + ECHELON_PASSWORD_HASH when set, otherwise user
// `admin` with a password generated at first start (only its hash is kept, by the store's admin
// account: lib/store/admin_account.ts),
// printed once to the log, as Nanolytica does.
import { createHash } from "node:crypto";
import { type Config, ConfigError } from "../config.ts";
import { timingSafeEqualBytes } from "../keys.ts";
import type { Logger } from "../log.ts";
import { ADMIN_PASSWORD_SETTING } from "../store/admin_account.ts";
import type { Store } from "../store/types.ts";
import {
  hashPassword,
  parsePasswordHash,
  PasswordHashError,
  PBKDF2_ITERATIONS,
  verifyPassword,
} from "./password.ts";

export const GENERATED_USERNAME = "admin";
/** The instance setting holding the stored password's hash (generated, or set by a reset). */
export const GENERATED_HASH_SETTING = ADMIN_PASSWORD_SETTING;

export interface AdminCredentials {
  username: string;
  passwordHash: string;
  /** True for the password generated at first start (no env credentials). */
  generated: boolean;
}

/**
 * Boot check of the credential variables: both or neither, and a usable hash. Throws ConfigError
 * naming the variable, so a typo stops the server instead of locking the admin out.
 */
export function validateCredentialConfig(config: Config): void {
  if (config.username === "" && config.passwordHash === "") return;
  if (config.passwordHash === "") {
    throw new ConfigError(
      "ECHELON_PASSWORD_HASH",
      "is required when ECHELON_USERNAME is set (create one with `deno task hash-password`)",
    );
  }
  if (config.username === "") {
    throw new ConfigError("ECHELON_USERNAME", "is required when ECHELON_PASSWORD_HASH is set");
  }
  try {
    parsePasswordHash(config.passwordHash);
  } catch (error) {
    if (error instanceof PasswordHashError) {
      throw new ConfigError("ECHELON_PASSWORD_HASH", error.message);
    }
    throw error;
  }
}

/** The account that may sign in now, or null when none is configured or generated yet. */
export async function adminCredentials(
  deps: { config: Config; store: Pick<Store, "adminAccount"> },
): Promise<AdminCredentials | null> {
  const { config } = deps;
  if (config.username !== "" && config.passwordHash !== "") {
    return { username: config.username, passwordHash: config.passwordHash, generated: false };
  }
  const stored = await deps.store.adminAccount.passwordHash();
  return stored ? { username: GENERATED_USERNAME, passwordHash: stored, generated: true } : null;
}

/**
 * Checks a sign-in attempt. The password is always run through PBKDF2 and the username compared
 * as fixed-length digests, so neither the timing nor the answer tells whether the username exists.
 */
export async function credentialsMatch(
  credentials: AdminCredentials,
  username: string,
  password: string,
): Promise<boolean> {
  const passwordOk = await verifyPassword(password, credentials.passwordHash);
  const usernameOk = timingSafeEqualBytes(sha256(username), sha256(credentials.username));
  return passwordOk && usernameOk;
}

/** A short digest of the password hash, stored with each session: a new password ends them all. */
export function credentialTag(passwordHash: string): string {
  return createHash("sha256").update(`echelon-session:${passwordHash}`).digest("hex").slice(0, 32);
}

export interface GeneratedPasswordDeps {
  config: Config;
  store: Pick<Store, "adminAccount">;
  log: Logger;
}

/**
 * Startup step (lib/server.ts): without env credentials, makes sure a generated admin password
 * exists. A new password is logged once and returned; later starts only say that one exists and
 * how to replace it. `iterations` is lowered only by tests.
 */
export async function ensureGeneratedPassword(
  deps: GeneratedPasswordDeps,
  options: { iterations?: number } = {},
): Promise<string | null> {
  const { config, store, log } = deps;
  if (config.username !== "" && config.passwordHash !== "") return null;
  // Public mode has no login at all; the password is generated once it is turned off.
  if (config.publicMode) return null;
  const existing = await store.adminAccount.passwordHash();
  if (existing !== null) {
    checkStoredHash(existing);
    log.info(
      `admin login: user "${GENERATED_USERNAME}" with the password generated at first start ` +
        "(printed once then). To replace it, set ECHELON_USERNAME and ECHELON_PASSWORD_HASH " +
        "(deno task hash-password), or run `deno task admin reset-password`.",
    );
    return null;
  }
  const password = generatePassword();
  const hash = await hashPassword(password, {
    iterations: options.iterations ?? PBKDF2_ITERATIONS,
  });
  // Another instance sharing the database may have won the race: then its password stands.
  if (await store.adminAccount.initPasswordHash(hash) !== hash) {
    log.info(`admin login: another instance generated the password for "${GENERATED_USERNAME}"`);
    return null;
  }
  log.warn(
    `admin login: no ECHELON_USERNAME/ECHELON_PASSWORD_HASH set, so a password was generated. ` +
      `Sign in at /admin/login as "${GENERATED_USERNAME}" with password: ${password} ` +
      "(shown only this once; only its hash is stored)",
  );
  return password;
}

function checkStoredHash(stored: string): void {
  try {
    parsePasswordHash(stored);
  } catch (error) {
    throw new Error(
      `instance setting "${GENERATED_HASH_SETTING}" is malformed; delete it to generate a new ` +
        "password, run `deno task admin reset-password`, or set ECHELON_USERNAME and " +
        "ECHELON_PASSWORD_HASH",
      { cause: error },
    );
  }
}

/** 18 random bytes as base64url: 24 characters, 144 bits. */
export function generatePassword(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(18));
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_");
}

function sha256(text: string): Uint8Array {
  return new Uint8Array(createHash("sha256").update(text).digest());
}
