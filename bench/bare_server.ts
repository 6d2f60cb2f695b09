// The baseline for HTTP benchmarks: bare Deno.serve answering the same bytes as our routes,
// with no routing, middleware or work. Ratios against it factor out the machine.
// Usage: bare_server.ts [health|gif|event] [port] — `gif` answers the /b.gif pixel with its
// headers, `event` reads the body and answers POST /e's 204 with its headers.
import { BARE_PIXEL_HEADERS, TRACKING_HEADERS } from "./bare_headers.ts";

type Mode = "health" | "gif" | "event";
const MODES: readonly string[] = ["health", "gif", "event"] satisfies Mode[];
const MODE = Deno.args.find((arg): arg is Mode => MODES.includes(arg)) ?? "health";
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
const PIXEL_HEADERS = BARE_PIXEL_HEADERS as [string, string][];
const TRACKING = TRACKING_HEADERS as [string, string][];

const handlers: Record<Mode, (req: Request) => Response | Promise<Response>> = {
  health: () =>
    new Response(HEALTH, {
      headers: { "content-type": "application/json", "cache-control": "no-store" },
    }),
  gif: () => new Response(PIXEL, { headers: PIXEL_HEADERS }),
  // Receiving the body is part of answering a POST; parsing and storing it is what we measure.
  event: async (req) => {
    await req.arrayBuffer();
    return new Response(null, { status: 204, headers: TRACKING });
  },
};

Deno.serve(
  {
    port: PORT,
    hostname: "127.0.0.1",
    onListen: ({ port }) => console.log(`listening on http://127.0.0.1:${port}`),
  },
  handlers[MODE],
);
