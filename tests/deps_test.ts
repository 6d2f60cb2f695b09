// scripts/deps.ts decides whether node_modules is what package-lock.json says (then `task deps`
// skips npm ci) from npm's record of the install: a changed version, a missing or an extra
// package means reinstall; another platform's optional binary may be absent.
import assert from "node:assert/strict";
import { installedDiffers, type LockFile } from "../scripts/deps.ts";

const lock = {
  packages: {
    "": { version: "0.1.0" },
    "node_modules/preact": { version: "10.29.8", integrity: "sha512-a" },
    "node_modules/vite": { version: "7.3.8", integrity: "sha512-b" },
    "node_modules/@rollup/rollup-darwin-arm64": {
      version: "4.0.0",
      integrity: "sha512-c",
      optional: true,
    },
  },
};
const installed = {
  packages: {
    "node_modules/preact": { version: "10.29.8", integrity: "sha512-a" },
    "node_modules/vite": { version: "7.3.8", integrity: "sha512-b" },
  },
};

Deno.test("deps: an install matching the lock (other platforms' optional binaries absent) is kept", () => {
  assert.equal(installedDiffers(lock, installed), null);
});

Deno.test("deps: no install, another version, a missing or an extra package means npm ci", () => {
  assert.match(installedDiffers(lock, null)!, /no record of an install/);
  const older = structuredClone(installed);
  older.packages["node_modules/preact"] = { version: "10.28.0", integrity: "sha512-z" };
  assert.equal(
    installedDiffers(lock, older),
    "node_modules/preact is 10.28.0, the lock says 10.29.8",
  );
  const missing = {
    packages: { "node_modules/preact": installed.packages["node_modules/preact"] },
  };
  assert.equal(
    installedDiffers(lock, missing),
    "node_modules/vite 7.3.8 is missing from node_modules",
  );
  const extra: LockFile = structuredClone(installed);
  extra.packages!["node_modules/left-pad"] = { version: "1.3.0", integrity: "sha512-d" };
  assert.equal(
    installedDiffers(lock, extra),
    "node_modules/left-pad is installed but not in package-lock.json",
  );
});
