// The events page's property breakdown card (lib/admin/property_breakdown.ts): a GET form to pick
// an event name and one of its property keys (the keys also as links, so no script is needed),
// then each value with its events, visitors and share of the events.
import type { AdminFrame } from "../lib/admin/frame.ts";
import { formatNumber } from "../lib/admin/format.ts";
import { adminHref } from "../lib/admin/period.ts";
import {
  type Breakdown,
  BREAKDOWN_PARAMS,
  type BreakdownChoice,
} from "../lib/admin/property_breakdown.ts";
import { DataTable, EmptyRow, Td, Th, Truncated } from "./DataTable.tsx";
import { FilterForm } from "./FilterForm.tsx";
import { BUTTON, Card, Field, INPUT, LINK, Notice } from "./ui.tsx";

export interface PropertyBreakdownProps {
  frame: AdminFrame;
  choice: BreakdownChoice;
  /** Event names to pick from (the engine's: a custom event's name, else its type). */
  eventNames: string[];
  /** The chosen event's property keys, most used first; null before an event is chosen. */
  keys: { key: string; events: number }[] | null;
  breakdown: Breakdown | null;
  /** Other parameters of the page to keep (the list's filters). */
  keep: Record<string, string | null>;
}

export function PropertyBreakdown(props: PropertyBreakdownProps) {
  const { frame, choice, keys, breakdown } = props;
  const keyHref = (key: string) =>
    adminHref("/admin/events", frame.selection, {
      ...props.keep,
      [BREAKDOWN_PARAMS.event]: choice.eventName,
      [BREAKDOWN_PARAMS.key]: key,
    });
  return (
    <Card
      id="property-breakdown"
      title="Property breakdown"
      subtitle="Pick an event and one of its properties: each value with its events and visitors."
    >
      <div class="space-y-3">
        <FilterForm
          action="/admin/events"
          frame={frame}
          id="property-form"
          class="grid grid-cols-1 items-end gap-3 sm:grid-cols-3"
        >
          {Object.entries(props.keep).map(([name, value]) =>
            value === null ? null : <input key={name} type="hidden" name={name} value={value} />
          )}
          <Field label="Event">
            <select name={BREAKDOWN_PARAMS.event} class={INPUT} required>
              <option value="">Choose…</option>
              {props.eventNames.map((name) => (
                <option value={name} selected={name === choice.eventName}>{name}</option>
              ))}
            </select>
          </Field>
          <Field label="Property">
            <input
              name={BREAKDOWN_PARAMS.key}
              value={choice.key ?? ""}
              list="property-keys"
              maxLength={64}
              placeholder={keys?.[0]?.key ?? "plan"}
              class={INPUT}
            />
            <datalist id="property-keys">
              {(keys ?? []).map((k) => <option key={k.key} value={k.key} />)}
            </datalist>
          </Field>
          <div>
            <button type="submit" class={BUTTON}>Break down</button>
          </div>
        </FilterForm>
        {choice.error && <Notice tone="error">{choice.error}</Notice>}
        {keys && (
          <p class="text-sm" id="property-keys-links">
            {keys.length === 0
              ? `No stored ${choice.eventName} event has properties in this period.`
              : (
                <>
                  <span class="text-slate-500">Properties of {choice.eventName}:</span>{" "}
                  {keys.map((k, i) => (
                    <>
                      {i > 0 && ", "}
                      <a
                        class={k.key === choice.key ? "font-semibold" : LINK}
                        href={keyHref(k.key)}
                        data-property-key={k.key}
                      >
                        {k.key}
                      </a>
                    </>
                  ))}
                </>
              )}
          </p>
        )}
        {breakdown && <BreakdownTable breakdown={breakdown} choice={choice} />}
      </div>
    </Card>
  );
}

function BreakdownTable(props: { breakdown: Breakdown; choice: BreakdownChoice }) {
  const { breakdown, choice } = props;
  return (
    <>
      <DataTable
        id="property-values"
        caption={`Values of ${choice.key} on ${choice.eventName} events`}
        head={
          <>
            <Th>{choice.key ?? "Value"}</Th>
            <Th numeric>Events</Th>
            <Th numeric>Visitors</Th>
            <Th numeric>Share</Th>
          </>
        }
      >
        {breakdown.rows.length === 0 && (
          <EmptyRow columns={4}>No {choice.eventName} events in this period.</EmptyRow>
        )}
        {breakdown.rows.map((row) => (
          <tr data-value={row.value}>
            <Td mono>
              <Truncated value={row.value} max={60} />
            </Td>
            <Td numeric>{formatNumber(row.events)}</Td>
            <Td numeric>{formatNumber(row.visitors)}</Td>
            <Td numeric>{`${row.share.toFixed(1)}%`}</Td>
          </tr>
        ))}
      </DataTable>
      {breakdown.values > breakdown.rows.length && (
        <p class="text-xs text-slate-500">
          The {breakdown.rows.length} most frequent of {formatNumber(breakdown.values)} values.
        </p>
      )}
    </>
  );
}
