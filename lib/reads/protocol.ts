// Messages between the main thread (pool.ts) and a read thread (worker.ts).
import type { ReadName } from "./registry.ts";

export type ReadRequest =
  | { kind: "open"; path: string; retentionDays: number }
  | { kind: "read"; id: number; name: ReadName; args: unknown[]; now: number }
  | { kind: "close"; id: number };

/** An error crosses the thread boundary as data; an HttpError keeps its status and code. */
export interface ReadFailure {
  message: string;
  status?: number;
  code?: string;
}

export type ReadReply =
  | { id: number; result: unknown }
  | { id: number; error: ReadFailure };
