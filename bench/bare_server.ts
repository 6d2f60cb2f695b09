// The baseline for HTTP benchmarks: bare Deno.serve answering the same bytes as our routes,
// with no routing, middleware or work. Ratios against it factor out the machine.
// Usage: bare_server.ts [health|gif] [port] — `gif` answers the /b.gif pixel with its headers.
type Mode = "health" | "gif";
const MODE = Deno.args.find((arg): arg is Mode => arg === "health" || arg === "gif") ?? "health";
const PORT = Number(Deno.args.find((arg) => /^\d+$/.test(arg)) ?? 0);
const HEALTH = JSON.stringify({
  status: "ok",
  service: "Echelon Analytics",
  version: "bench",
  database: "ok",
});

/** routes/b.gif.ts's 43-byte pixel. */
const PIXEL = Uint8Array.from(
  atob("R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw=="),
  (c) => c.charCodeAt(0),
);
/** The headers the full app sends on /b.gif (pixel, CORS for tracking paths, security). */
const PIXEL_HEADERS: [string, string][] = [
  ["content-type", "image/gif"],
  ["cache-control", "no-store"],
  ["content-length", String(PIXEL.length)],
  ["x-content-type-options", "nosniff"],
  ["access-control-allow-methods", "GET, POST, OPTIONS"],
  ["access-control-allow-headers", "Content-Type"],
  ["access-control-allow-origin", "*"],
  ["access-control-max-age", "86400"],
  ["vary", "Origin"],
  ["x-frame-options", "DENY"],
  ["referrer-policy", "strict-origin-when-cross-origin"],
];

const handlers: Record<Mode, () => Response> = {
  health: () =>
    new Response(HEALTH, {
      headers: { "content-type": "application/json", "cache-control": "no-store" },
    }),
  gif: () => new Response(PIXEL, { headers: PIXEL_HEADERS }),
};

Deno.serve(
  {
    port: PORT,
    hostname: "127.0.0.1",
    onListen: ({ port }) => console.log(`listening on http://127.0.0.1:${port}`),
  },
  handlers[MODE],
);
