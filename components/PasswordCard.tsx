// The "Admin password" card of /admin/settings: current password, new, repeat, posted to
// /admin/settings/password (plain form, no JavaScript). When ECHELON_USERNAME and
// ECHELON_PASSWORD_HASH pin the account, it says so instead of showing the form. Never rendered
// in public mode (no login there).
import { MIN_PASSWORD_LENGTH } from "../lib/secret_strength.ts";
import { BUTTON, Card, ErrorList, Field, INPUT } from "./ui.tsx";

const NEW_FIELDS = [["New password", "new_password"], ["Repeat new password", "repeat_password"]];

export interface PasswordCardProps {
  /** The account is set by the environment: no form. */
  pinnedByEnv: boolean;
  errors?: string[];
}

export function PasswordCard(props: PasswordCardProps) {
  return (
    <Card
      id="admin-password"
      title="Admin password"
      subtitle="Changing it signs every other device out; this one stays signed in."
    >
      {props.pinnedByEnv
        ? (
          <p class="text-sm text-amber-700 dark:text-amber-300" id="password-pinned">
            The account is set by ECHELON_USERNAME and ECHELON_PASSWORD_HASH in the server's
            environment, which win over a password set here. Create a new hash with{" "}
            <code>deno task hash-password</code>, put it in ECHELON_PASSWORD_HASH and restart.
          </p>
        )
        : (
          <>
            <ErrorList errors={props.errors ?? []} />
            <form
              method="post"
              action="/admin/settings/password"
              id="password-form"
              class="grid max-w-sm gap-3"
            >
              <Field label="Current password">
                <input
                  type="password"
                  name="current_password"
                  autocomplete="current-password"
                  required
                  class={INPUT}
                />
              </Field>
              {NEW_FIELDS.map(([label, name]) => (
                <Field key={name} label={label}>
                  <input
                    type="password"
                    name={name}
                    autocomplete="new-password"
                    required
                    minLength={MIN_PASSWORD_LENGTH}
                    class={INPUT}
                  />
                </Field>
              ))}
              <p class="text-xs text-slate-500">
                At least {MIN_PASSWORD_LENGTH}{" "}
                characters, not mostly repeated or sequential. Without a browser: deno task admin
                reset-password.
              </p>
              <div>
                <button type="submit" class={BUTTON}>Change password</button>
              </div>
            </form>
          </>
        )}
    </Card>
  );
}
