// The query string of a collect request, parsed once into a map. Decoding is exactly
// URLSearchParams' (application/x-www-form-urlencoded, WHATWG URL §5.1: `+` is a space, escapes
// are UTF-8, the first value of a name wins for get()): well-formed strings are decoded here
// with decodeURIComponent, and anything it would refuse (a stray `%`, invalid UTF-8, lone
// surrogates) goes to URLSearchParams itself. This skips the generic parser's per-call overhead
// on the hottest request (~2 µs of a /b.gif hit).

/** What the pipeline reads from a query; URLSearchParams satisfies it too. */
export interface QueryParams {
  get(name: string): string | null;
  has(name: string): boolean;
}

export function parseQuery(query: string): QueryParams {
  if (!query.isWellFormed()) return new URLSearchParams(query);
  const values = new Map<string, string>();
  for (let start = 0; start <= query.length;) {
    let end = query.indexOf("&", start);
    if (end < 0) end = query.length;
    if (end > start) {
      const eq = query.indexOf("=", start);
      const cut = eq >= 0 && eq < end ? eq : end;
      const name = decodeComponent(query.slice(start, cut));
      const value = cut < end ? decodeComponent(query.slice(cut + 1, end)) : "";
      if (name === null || value === null) return new URLSearchParams(query);
      if (!values.has(name)) values.set(name, value);
    }
    start = end + 1;
  }
  return {
    get: (name) => values.get(name) ?? null,
    has: (name) => values.has(name),
  };
}

function decodeComponent(text: string): string | null {
  if (!text.includes("%") && !text.includes("+")) return text;
  try {
    return decodeURIComponent(text.replaceAll("+", " "));
  } catch {
    return null;
  }
}
