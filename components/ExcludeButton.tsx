// Exclude or include a visitor: a one-button POST form to /admin/visitors/:id (which calls the
// same lib function as the bots API) that returns to `returnTo`. Renders nothing when read-only.
import { BUTTON_DANGER, BUTTON_SECONDARY, BUTTON_SMALL } from "./ui.tsx";

export function ExcludeButton(
  props: {
    visitorId: string;
    excluded: boolean;
    returnTo: string;
    readOnly: boolean;
    small?: boolean;
  },
) {
  if (props.readOnly) {
    return props.excluded ? <span class="text-xs text-slate-500">excluded</span> : null;
  }
  const action = props.excluded ? "include" : "exclude";
  const classes = props.small ? BUTTON_SMALL : props.excluded ? BUTTON_SECONDARY : BUTTON_DANGER;
  return (
    <form
      method="post"
      action={`/admin/visitors/${encodeURIComponent(props.visitorId)}`}
      class="inline"
      data-visitor-action={action}
    >
      <input type="hidden" name="action" value={action} />
      <input type="hidden" name="return_to" value={props.returnTo} />
      <button
        type="submit"
        class={classes}
        title={props.excluded
          ? "Count this visitor again"
          : "Drop this visitor's hits and keep them out of stats"}
      >
        {props.excluded ? "Include" : "Exclude"}
      </button>
    </form>
  );
}
