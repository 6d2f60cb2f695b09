// Content negotiation for the responses we compress ourselves (the tracker and its chunk).

/** RFC 9110 §12.5.3: "gzip" or "*" listed without q=0. */
export function acceptsGzip(headers: Headers): boolean {
  return (headers.get("accept-encoding") ?? "").split(",").some((item) => {
    const [coding, ...params] = item.split(";").map((part) => part.trim().toLowerCase());
    const q = params.find((param) => param.startsWith("q="));
    return (coding === "gzip" || coding === "*") && !(q && Number(q.slice(2)) === 0);
  });
}
