// The baseline for HTTP benchmarks: bare Deno.serve answering the same bytes as our routes,
// with no routing, middleware or work. Ratios against it factor out the machine.
const PORT = Number(Deno.args[0] ?? 0);
const HEALTH = JSON.stringify({
  status: "ok",
  service: "Echelon Analytics",
  version: "bench",
  database: "ok",
});

Deno.serve(
  {
    port: PORT,
    hostname: "127.0.0.1",
    onListen: ({ port }) => console.log(`listening on http://127.0.0.1:${port}`),
  },
  () =>
    new Response(HEALTH, {
      headers: { "content-type": "application/json", "cache-control": "no-store" },
    }),
);
