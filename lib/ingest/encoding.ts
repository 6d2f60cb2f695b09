// Decoding of the tracker's encoded parameters: base64 of UTF-8 bytes. Query parsing turns `+`
// into a space, so spaces are mapped back; base64url is accepted too. The bytes are decoded as
// UTF-8 (never decodeURIComponent), so a literal `%` in a path survives (reference defect W29).

const B64 = /^[A-Za-z0-9+/\-_]*={0,2}$/;
const NOT_STANDARD = /[ \-_]/;
/** Printable ASCII: its own UTF-8 decoding, with no control characters to strip. */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const decoder = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true });

export function decodeBase64Text(value: string | null, maxChars: number): string | null {
  if (value === null || value === "") return null;
  if (value.length > maxChars * 2 + 8) return null;
  const normalised = NOT_STANDARD.test(value)
    ? value.replaceAll(" ", "+").replaceAll("-", "+").replaceAll("_", "/")
    : value;
  if (!B64.test(normalised)) return null;
  const body = normalised.endsWith("=") ? normalised.replace(/=+$/, "") : normalised;
  if (body.length % 4 === 1) return null;
  let binary: string;
  try {
    binary = atob(body + "=".repeat((4 - (body.length % 4)) % 4));
  } catch {
    return null;
  }
  // Most paths are plain ASCII: skip the byte copy, the UTF-8 decoder and the control strip.
  if (PRINTABLE_ASCII.test(binary)) return binary.slice(0, maxChars);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return stripControl(decoder.decode(bytes)).slice(0, maxChars);
}

/** Removes C0/C1 control characters: they have no place in paths or labels and break logs. */
export function stripControl(text: string): string {
  // deno-lint-ignore no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, "");
}

/** A bounded, control-free string, or null. */
export function cleanString(value: unknown, maxChars: number): string | null {
  if (typeof value !== "string") return null;
  const text = stripControl(value).trim().slice(0, maxChars);
  return text === "" ? null : text;
}

/** An integer within [min, max] from a query value, or null. */
export function parseIntParam(value: string | null, min: number, max: number): number | null {
  if (value === null || !/^-?\d{1,10}$/.test(value)) return null;
  const n = Number(value);
  return n >= min && n <= max ? n : null;
}
