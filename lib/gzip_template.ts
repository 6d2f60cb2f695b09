// gzip of a text with one slot that changes per response (the challenge in `/ea.js?s=`), without
// compressing the whole text each time: the text before the slot is compressed once as raw
// deflate ended by a full flush (byte-aligned, no back-references past it), the slot goes in as
// stored blocks (RFC 1951 §3.2.4), the text after it is compressed once as the final blocks, and
// the gzip header and trailer (RFC 1952 §2.3: CRC-32 and length of the whole text) wrap them.
// A response then costs a CRC over the slot and the tail and one copy, not a level-9 deflate.
import { constants, crc32, deflateRawSync } from "node:zlib";

/** ID1 ID2 CM=deflate FLG=0 MTIME=0 XFL=0 OS=unknown. */
const GZIP_HEADER = Uint8Array.of(0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff);
const MAX_STORED = 0xffff;
const encoder = new TextEncoder();

export class GzipTemplate {
  readonly #head: Uint8Array;
  readonly #tail: Uint8Array;
  readonly #headCrc: number;
  readonly #headLength: number;
  readonly #tailText: Uint8Array;

  constructor(head: string, tail: string) {
    const headBytes = encoder.encode(head);
    this.#tailText = encoder.encode(tail);
    this.#head = new Uint8Array(
      deflateRawSync(headBytes, { level: 9, finishFlush: constants.Z_FULL_FLUSH }),
    );
    this.#tail = new Uint8Array(deflateRawSync(this.#tailText, { level: 9 }));
    this.#headCrc = crc32(headBytes);
    this.#headLength = headBytes.length;
  }

  /** The gzip member of head + slot + tail. */
  render(slot: string): Uint8Array<ArrayBuffer> {
    const slotBytes = encoder.encode(slot);
    const blocks = Math.max(1, Math.ceil(slotBytes.length / MAX_STORED));
    const size = GZIP_HEADER.length + this.#head.length + blocks * 5 + slotBytes.length +
      this.#tail.length + 8;
    const out = new Uint8Array(size);
    let at = 0;
    const put = (bytes: Uint8Array) => {
      out.set(bytes, at);
      at += bytes.length;
    };
    put(GZIP_HEADER);
    put(this.#head);
    for (let block = 0; block < blocks; block++) {
      const part = slotBytes.subarray(block * MAX_STORED, (block + 1) * MAX_STORED);
      // BFINAL=0, BTYPE=00 and the padding to the byte boundary: one zero byte; LEN, NLEN.
      put(
        Uint8Array.of(
          0,
          part.length & 0xff,
          part.length >> 8,
          ~part.length & 0xff,
          (~part.length >> 8) & 0xff,
        ),
      );
      put(part);
    }
    put(this.#tail);
    const crc = crc32(this.#tailText, crc32(slotBytes, this.#headCrc));
    const length = this.#headLength + slotBytes.length + this.#tailText.length;
    const trailer = new DataView(out.buffer, at, 8);
    trailer.setUint32(0, crc >>> 0, true);
    trailer.setUint32(4, length >>> 0, true);
    return out;
  }
}
