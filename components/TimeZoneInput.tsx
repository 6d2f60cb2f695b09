// A text field for an IANA time zone with the runtime's zones as suggestions (a datalist): the
// display zone (routes/admin/settings.tsx) and a site's zone (routes/admin/sites/[id].tsx).
import { INPUT } from "./ui.tsx";

export function TimeZoneInput(props: {
  name: string;
  value: string;
  /** The datalist's id, unique on the page. */
  listId: string;
  zones: readonly string[];
  required?: boolean;
  placeholder?: string;
}) {
  return (
    <>
      <input
        name={props.name}
        value={props.value}
        list={props.listId}
        required={props.required}
        placeholder={props.placeholder}
        maxLength={64}
        class={INPUT}
      />
      <datalist id={props.listId}>
        {props.zones.map((zone) => <option key={zone} value={zone} />)}
      </datalist>
    </>
  );
}
