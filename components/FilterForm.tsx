// The filter forms of the admin lists (views, events, visitors, bots): a GET form that carries the
// site and period selection, the fields several lists share, and the Filter/Reset pair.
import type { ComponentChildren } from "preact";
import { DEVICE_TYPES } from "../lib/admin/filters.ts";
import type { AdminFrame } from "../lib/admin/frame.ts";
import { adminHref, selectionParams } from "../lib/admin/period.ts";
import type { BotFilter } from "../lib/bots/thresholds.ts";
import { BUTTON_SECONDARY, Field, HiddenFields, INPUT } from "./ui.tsx";

/** The grid most filter forms lay their fields out in. */
const FILTER_GRID = "grid grid-cols-2 items-end gap-3 sm:grid-cols-3 lg:grid-cols-6";

/** A GET form to `action` that keeps the frame's site and period; `id` defaults to "filters". */
export function FilterForm(
  props: {
    action: string;
    frame: AdminFrame;
    id?: string;
    class?: string;
    children: ComponentChildren;
  },
) {
  return (
    <form
      method="get"
      action={props.action}
      id={props.id ?? "filters"}
      class={props.class ?? FILTER_GRID}
    >
      <HiddenFields params={selectionParams(props.frame.selection)} />
      {props.children}
    </form>
  );
}

/** Which rows to show by score: all, without bots, or bots only. */
export function BotsField(props: { value: BotFilter }) {
  return (
    <Field label="Bots">
      <select name="bots" class={INPUT}>
        <option value="all" selected={props.value === "all"}>Shown</option>
        <option value="humans" selected={props.value === "humans"}>Hidden</option>
        <option value="bots" selected={props.value === "bots"}>Only bots</option>
      </select>
    </Field>
  );
}

/** A two-letter country code (lib/admin/filters.ts parseCountry). */
export function CountryField(props: { value: string | null }) {
  return (
    <Field label="Country">
      <input
        name="country"
        value={props.value ?? ""}
        maxLength={2}
        placeholder="FI"
        class={INPUT}
      />
    </Field>
  );
}

/** One of the device types, or any. */
export function DeviceField(props: { value: string | null }) {
  return (
    <Field label="Device">
      <select name="device" class={INPUT}>
        <option value="">Any</option>
        {DEVICE_TYPES.map((d) => <option key={d} value={d} selected={props.value === d}>{d}
        </option>)}
      </select>
    </Field>
  );
}

/** The lowest bot score to show, from `min` to 100. */
export function MinScoreField(props: { value: number; min: number; class?: string }) {
  return (
    <Field label="Min. score">
      <input
        name="min_score"
        type="number"
        min={props.min}
        max={100}
        value={props.value}
        class={props.class ?? INPUT}
      />
    </Field>
  );
}

/** Submit, and a link back to `action` with the selection alone (every filter cleared). */
export function FilterButtons(props: { action: string; frame: AdminFrame }) {
  return (
    <div class="flex gap-2">
      <button type="submit" class={BUTTON_SECONDARY}>Filter</button>
      <a href={adminHref(props.action, props.frame.selection)} class={BUTTON_SECONDARY}>Reset</a>
    </div>
  );
}
