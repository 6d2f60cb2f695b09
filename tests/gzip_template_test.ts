// lib/gzip_template.ts: head and tail compressed once, the slot stored per render; every render
// is one valid gzip member (CRC-32 and length checked by a strict gunzip), whatever the slot.
import assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import { GzipTemplate } from "../lib/gzip_template.ts";

const decode = (bytes: Uint8Array) => new TextDecoder().decode(gunzipSync(bytes));

Deno.test("gzip template: any slot between the compressed head and tail", () => {
  const head = "(()=>{var t=" + "x".repeat(5000) + '{"c":';
  const tail = ',"w":"' + "0061736d".repeat(400) + '"};})();—ünïcødé';
  const template = new GzipTemplate(head, tail);
  for (const slot of ["", '"a:b:c"', "é".repeat(10), "z".repeat(70_000), "q".repeat(131_070)]) {
    const bytes = template.render(slot);
    assert.equal(decode(bytes), head + slot + tail, `slot of ${slot.length} characters`);
  }
  // The fixed parts compress: a render is far smaller than the text it stands for.
  assert.ok(template.render('"x"').length < (head.length + tail.length) / 4);
});

Deno.test("gzip template: empty head or tail", () => {
  assert.equal(decode(new GzipTemplate("", "tail").render("slot")), "slottail");
  assert.equal(decode(new GzipTemplate("head", "").render("slot")), "headslot");
  assert.equal(decode(new GzipTemplate("", "").render("")), "");
});
