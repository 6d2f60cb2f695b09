// The "API keys" card of /admin/settings: the keys (name, prefix, scope, created, last used),
// a form to create one (POST /admin/settings/keys, which shows the new key once) and a revoke
// button per live key (POST /admin/settings/keys/:id/revoke). Plain forms, no JavaScript; never
// rendered in public mode.
import type { ApiKeyInfo } from "../lib/auth/api_keys.ts";
import { MAX_KEY_NAME_LENGTH } from "../lib/auth/api_keys.ts";
import { formatDateTime } from "../lib/admin/format.ts";
import { DataTable, EmptyRow, Td, Th } from "./DataTable.tsx";
import { BUTTON, BUTTON_SMALL, Card, ErrorList, Field, INPUT, Notice } from "./ui.tsx";

export interface ApiKeysCardProps {
  keys: ApiKeyInfo[];
  timezone: string;
  /** A key just created: its text is shown this once. */
  created?: { key: string; info: ApiKeyInfo } | null;
  errors?: string[];
  /** The submitted values after an error. */
  form?: { name: string; scope: string };
}

export function ApiKeysCard(props: ApiKeysCardProps) {
  const { keys, timezone, created } = props;
  const form = props.form ?? { name: "", scope: "read" };
  return (
    <Card
      id="api-keys"
      title="API keys"
      subtitle="Long-lived tokens for scripts and AI assistants (the MCP endpoint /mcp). A read key may only read; a write key may also change data. No key can manage keys."
    >
      {created && (
        <div class="mb-4">
          <Notice tone="success">
            <p>
              API key <strong>{created.info.name}</strong>{" "}
              ({created.info.scope}) created. Copy it now: it is stored only as a hash and will not
              be shown again.
            </p>
            <input
              id="new-api-key"
              readOnly
              value={created.key}
              aria-label="The new API key"
              class={`${INPUT} mt-2 font-mono`}
            />
          </Notice>
        </div>
      )}
      <ErrorList errors={props.errors ?? []} />
      <DataTable id="api-key-table" caption="API keys" head={<KeyHead />}>
        {keys.length === 0
          ? <EmptyRow columns={6}>No API keys yet.</EmptyRow>
          : keys.map((key) => <KeyRow key={key.id} apiKey={key} timezone={timezone} />)}
      </DataTable>
      <form
        method="post"
        action="/admin/settings/keys"
        id="api-key-form"
        class="mt-4 flex flex-wrap items-end gap-3"
      >
        <div class="w-64">
          <Field label="Name">
            <input
              name="name"
              required
              maxLength={MAX_KEY_NAME_LENGTH}
              value={form.name}
              placeholder="Claude Desktop"
              class={INPUT}
            />
          </Field>
        </div>
        <Field label="Scope">
          <select name="scope" class={INPUT}>
            <option value="read" selected={form.scope !== "write"}>read (GET only)</option>
            <option value="write" selected={form.scope === "write"}>write</option>
          </select>
        </Field>
        <button type="submit" class={BUTTON}>Create API key</button>
      </form>
      <p class="mt-2 text-xs text-slate-500">
        Use a key as{" "}
        <code>Authorization: Bearer ek_…</code>; the README's "AI assistants (MCP)" section shows
        how to connect Claude Desktop or Claude Code with a read key.
      </p>
    </Card>
  );
}

function KeyHead() {
  return (
    <>
      <Th>Name</Th>
      <Th>Key</Th>
      <Th>Scope</Th>
      <Th>Created</Th>
      <Th>Last used</Th>
      <Th />
    </>
  );
}

function KeyRow(props: { apiKey: ApiKeyInfo; timezone: string }) {
  const { apiKey, timezone } = props;
  const revoked = apiKey.revoked_at !== null;
  return (
    <tr data-key-id={apiKey.id} class={revoked ? "text-slate-400" : ""}>
      <Td>{apiKey.name}</Td>
      <Td mono>{apiKey.prefix}…</Td>
      <Td>{apiKey.scope}</Td>
      <Td>{formatDateTime(apiKey.created_at, timezone)}</Td>
      <Td>{apiKey.last_used_at ? formatDateTime(apiKey.last_used_at, timezone) : "never"}</Td>
      <Td>
        {revoked
          ? <span>revoked {formatDateTime(apiKey.revoked_at, timezone)}</span>
          : (
            <form method="post" action={`/admin/settings/keys/${apiKey.id}/revoke`}>
              <button type="submit" class={BUTTON_SMALL}>Revoke</button>
            </form>
          )}
      </Td>
    </tr>
  );
}
