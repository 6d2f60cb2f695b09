// ECHELON_CHROMIUM is the browser the tests launch: a wrapper script named by it records that it
// ran and starts the real Chromium, which renders a page; a wrong value stops the launch with a
// message naming the variable, before any browser starts.
import assert from "node:assert/strict";
import { CHROMIUM, requireBrowser } from "./_browser_path.ts";

const BROWSER = new URL("./_browser.ts", import.meta.url).href;
const SCRIPT = `
import { openBrowser } from ${JSON.stringify(BROWSER)};
const session = await openBrowser();
await session.page.goto("data:text/html,<title>from ECHELON_CHROMIUM</title>");
console.log(await session.page.title());
await session.close();
`;

function runWith(env: Record<string, string>) {
  return new Deno.Command(Deno.execPath(), {
    args: ["eval", "--ext=ts", SCRIPT],
    env: { NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
}

Deno.test("e2e: the tests launch the Chromium that ECHELON_CHROMIUM names", async () => {
  const real = requireBrowser(CHROMIUM);
  const dir = await Deno.makeTempDir({ prefix: "echelon-chromium-path-" });
  try {
    const wrapper = `${dir}/chromium-wrapper`;
    await Deno.writeTextFile(
      wrapper,
      `#!/bin/sh\necho launched >> ${dir}/log\nexec ${real} "$@"\n`,
    );
    await Deno.chmod(wrapper, 0o755);
    const ran = await runWith({ ECHELON_CHROMIUM: wrapper, PATH: "/nonexistent" });
    const stderr = new TextDecoder().decode(ran.stderr);
    assert.equal(ran.code, 0, stderr);
    assert.equal(new TextDecoder().decode(ran.stdout).trim(), "from ECHELON_CHROMIUM");
    assert.equal(await Deno.readTextFile(`${dir}/log`), "launched\n");

    const wrong = await runWith({ ECHELON_CHROMIUM: `${dir}/nothing-here` });
    assert.notEqual(wrong.code, 0);
    assert.match(
      new TextDecoder().decode(wrong.stderr),
      new RegExp(`ECHELON_CHROMIUM=${dir}/nothing-here: not an executable file`),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
