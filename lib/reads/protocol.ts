// Messages between the main process (pool.ts) and a read process (child_main.ts), and how they
// travel over the child's stdin and stdout: a 4-byte big-endian length, then the value in V8's
// structured-clone format (node:v8), so a read answers exactly what it answers inline (NaN,
// undefined and Maps survive, as they did through Worker.postMessage).
import { deserialize, serialize } from "node:v8";
import { HttpError } from "../http_error.ts";
import type { ReadName } from "./registry.ts";

/** What a read process is started with (one JSON argument). */
export interface ReadProcessConfig {
  path: string;
  retentionDays: number;
  /** SQLite's hard heap limit for the process, MiB. */
  memoryMb: number;
}

export interface ReadRequest {
  id: number;
  name: ReadName;
  args: unknown[];
  now: number;
}

/** An error crosses the process boundary as data; an HttpError keeps its status and code. */
export interface ReadFailure {
  message: string;
  status?: number;
  code?: string;
}

/** Each answer says how much memory the process holds after it (MiB), so the pool can recycle. */
export type ReadReply =
  | { id: number; rssMb: number; result: unknown }
  | { id: number; rssMb: number; error: ReadFailure };

export function encodeFrame(value: unknown): Uint8Array {
  const body = serialize(value);
  const frame = new Uint8Array(4 + body.length);
  new DataView(frame.buffer).setUint32(0, body.length);
  frame.set(body, 4);
  return frame;
}

/** Collects chunks of a byte stream and returns the complete frames they hold. */
export class FrameDecoder {
  #chunks: Uint8Array[] = [];
  #size = 0;
  /** Bytes the frame at the front needs (header included), once its header has arrived. */
  #need = 0;

  push(chunk: Uint8Array): unknown[] {
    this.#chunks.push(chunk);
    this.#size += chunk.length;
    const values: unknown[] = [];
    // Chunks are joined only when a whole header or a whole frame is there, so a large frame
    // arriving in many chunks is copied once, not once per chunk.
    while (this.#size >= Math.max(4, this.#need)) {
      const bytes = this.#joined();
      if (this.#need === 0) {
        this.#need = 4 + new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0);
        continue;
      }
      values.push(deserialize(bytes.subarray(4, this.#need)));
      const rest = bytes.subarray(this.#need);
      this.#chunks = rest.length > 0 ? [rest] : [];
      this.#size = rest.length;
      this.#need = 0;
    }
    return values;
  }

  #joined(): Uint8Array {
    if (this.#chunks.length === 1) return this.#chunks[0];
    const bytes = new Uint8Array(this.#size);
    let offset = 0;
    for (const chunk of this.#chunks) {
      bytes.set(chunk, offset);
      offset += chunk.length;
    }
    this.#chunks = [bytes];
    return bytes;
  }
}

export function failureOf(error: unknown): ReadFailure {
  if (error instanceof HttpError) {
    return { message: error.message, status: error.status, code: error.code };
  }
  return { message: error instanceof Error ? error.message : String(error) };
}

export function errorOf(failure: ReadFailure): Error {
  if (failure.status !== undefined && failure.code !== undefined) {
    return new HttpError(failure.status, failure.code, failure.message);
  }
  return new Error(failure.message);
}
