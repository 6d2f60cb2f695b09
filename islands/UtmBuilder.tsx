// The campaign's UTM link builder: a landing page URL plus utm_source, medium, content and term,
// tagged with the campaign's utm_campaign (lib/campaigns/url.ts taggedUrl, the server's own
// rule), the result or what is wrong shown as you type, and a button that copies the link. Its
// state is signals (@preact/signals). Without script it is the GET form it renders: the server
// builds the same link from the submitted fields.
import { useComputed, useSignal, useSignalEffect } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { Snippet } from "../components/Snippet.tsx";
import { BUTTON_SECONDARY, BUTTON_SMALL, ErrorList, Field, INPUT } from "../components/ui.tsx";
import { taggedUrl, UTM_TAGS, type UtmTag, type UtmTags } from "../lib/campaigns/url.ts";

export interface UtmBuilderProps {
  /** The campaign page (the form's action) and the selection it keeps. */
  action: string;
  hidden: [string, string][];
  utmCampaign: string;
  /** The submitted fields (the form without script), else empty. */
  url: string;
  tags: UtmTags;
}

const PLACEHOLDERS: Record<UtmTag, string> = {
  source: "newsletter",
  medium: "email",
  content: "header-link",
  term: "running shoes",
};

type CopyState = "idle" | "copied" | "failed";

export default function UtmBuilder(props: UtmBuilderProps) {
  const url = useSignal(props.url);
  const tags = useSignal<UtmTags>(props.tags);
  const hydrated = useSignal(false);
  const copy = useSignal<CopyState>("idle");
  const built = useComputed(() =>
    url.value.trim() === "" ? null : taggedUrl(url.value, props.utmCampaign, tags.value)
  );
  // A changed link is not the copied one any more.
  useSignalEffect(() => {
    built.value;
    copy.value = "idle";
  });
  useEffect(() => {
    hydrated.value = true;
  }, []);

  const onCopy = async () => {
    const result = built.value;
    if (!result?.ok) return;
    try {
      await navigator.clipboard.writeText(result.value);
      copy.value = "copied";
    } catch {
      copy.value = "failed";
    }
  };
  const result = built.value;
  return (
    <div>
      <form
        method="get"
        action={props.action}
        class="grid gap-3 sm:grid-cols-6"
        id="utm-builder-form"
        onSubmit={(e) => {
          // With script the link is already built; the form is the no-script path.
          e.preventDefault();
        }}
      >
        {props.hidden.map(([name, value], i) => (
          <input key={`${i}:${name}`} type="hidden" name={name} value={value} />
        ))}
        <div class="sm:col-span-6">
          <Field label="Landing page URL">
            <input
              name="link_url"
              type="url"
              required
              maxLength={2048}
              placeholder="https://www.example.com/sale"
              value={url.value}
              onInput={(e) => (url.value = e.currentTarget.value)}
              class={INPUT}
            />
          </Field>
        </div>
        {UTM_TAGS.map((tag) => (
          <div key={tag} class="sm:col-span-3 lg:col-span-3">
            <Field label={`utm_${tag}`}>
              <input
                name={`link_${tag}`}
                maxLength={256}
                placeholder={PLACEHOLDERS[tag]}
                value={tags.value[tag] ?? ""}
                onInput={(e) => (tags.value = { ...tags.value, [tag]: e.currentTarget.value })}
                class={INPUT}
              />
            </Field>
          </div>
        ))}
        {!hydrated.value && (
          <div class="sm:col-span-6">
            <button type="submit" class={BUTTON_SECONDARY}>Build link</button>
          </div>
        )}
      </form>
      <div class="mt-3 space-y-2" aria-live="polite">
        {result && !result.ok && <ErrorList errors={result.errors} />}
        {result?.ok && (
          <div id="tagged-url">
            <Snippet code={result.value} />
            <div class="mt-2 flex items-center gap-2">
              <button
                type="button"
                class={BUTTON_SMALL}
                id="copy-tagged-url"
                disabled={!hydrated.value}
                onClick={onCopy}
              >
                Copy link
              </button>
              <span class="text-xs text-slate-500" id="copy-status">
                {copy.value === "copied"
                  ? "Copied to the clipboard."
                  : copy.value === "failed"
                  ? "Could not copy: select the link and copy it."
                  : ""}
              </span>
            </div>
          </div>
        )}
      </div>
    </div>
  );
}
