// How the browser tests find Chromium and Firefox (tests/e2e/_browser_path.ts): the variable wins
// and must name an executable file, else the usual names are searched on PATH in order, else the
// message says what to set or install.
import assert from "node:assert/strict";
import {
  CHROMIUM,
  findBrowser,
  FIREFOX,
  missingBrowser,
  requireBrowser,
} from "./e2e/_browser_path.ts";

async function executable(dir: string, name: string, mode = 0o755): Promise<string> {
  const path = `${dir}/${name}`;
  await Deno.writeTextFile(path, "#!/bin/sh\n");
  await Deno.chmod(path, mode);
  return path;
}

Deno.test("browser path: the variable names the executable, PATH is the fallback", async () => {
  const dir = await Deno.makeTempDir({ prefix: "echelon-browsers-" });
  try {
    const [bin, other] = [`${dir}/bin`, `${dir}/other`];
    await Deno.mkdir(bin);
    await Deno.mkdir(other);
    const custom = await executable(dir, "my-chrome");
    const browserOnPath = await executable(other, "chromium-browser");
    const esr = await executable(bin, "firefox-esr");
    await executable(other, "firefox");
    const PATH = `${bin}:${other}`;

    assert.equal(findBrowser(CHROMIUM, { PATH, ECHELON_CHROMIUM: custom }), custom);
    assert.equal(findBrowser(CHROMIUM, { PATH, ECHELON_CHROMIUM: " " }), browserOnPath);
    assert.equal(findBrowser(CHROMIUM, { PATH }), browserOnPath, "the second name, found");
    assert.equal(findBrowser(FIREFOX, { PATH }), esr, "firefox-esr before firefox");
    assert.equal(findBrowser(FIREFOX, { PATH, ECHELON_FIREFOX: custom }), custom);
    assert.equal(findBrowser(CHROMIUM, { PATH: other.replace("other", "none") }), null);
    assert.equal(findBrowser(CHROMIUM, {}), null, "no PATH at all");

    await executable(bin, "chromium", 0o644);
    assert.equal(findBrowser(CHROMIUM, { PATH }), browserOnPath, "a file without +x is skipped");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("browser path: a wrong variable is an error naming it; none found says what to do", async () => {
  const dir = await Deno.makeTempDir({ prefix: "echelon-browsers-" });
  try {
    const plain = await executable(dir, "not-executable", 0o644);
    assert.throws(
      () => findBrowser(CHROMIUM, { ECHELON_CHROMIUM: `${dir}/missing` }),
      new RegExp(`^Error: ECHELON_CHROMIUM=${dir}/missing: not an executable file`),
    );
    assert.throws(() => findBrowser(FIREFOX, { ECHELON_FIREFOX: plain }), /ECHELON_FIREFOX=/);
    assert.throws(() => findBrowser(CHROMIUM, { ECHELON_CHROMIUM: dir }), /not an executable/);
    assert.throws(() => requireBrowser(CHROMIUM, { PATH: dir }), {
      message: "Chromium not found: none of chromium, chromium-browser, google-chrome-stable, " +
        "google-chrome is on PATH; set ECHELON_CHROMIUM to its executable or install it " +
        "(apt-get install -y chromium)",
    });
    assert.match(
      missingBrowser(FIREFOX),
      /set ECHELON_FIREFOX .* \(apt-get install -y firefox-esr\)/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
