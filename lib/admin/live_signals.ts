// The live islands' polling as signals (@preact/signals): the same loop as usePolling
// (lib/admin/live_poll.ts startPolling), its data and status kept in signals, so a component
// reads `.value` and only what reads a signal is drawn again when it changes.
import { type Signal, useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { POLL_INTERVAL_MS, type PollStatus, startPolling } from "./live_poll.ts";

export interface PolledSignals<T> {
  data: Signal<T>;
  status: Signal<PollStatus>;
}

export function usePolledSignals<T>(
  load: (signal: AbortSignal) => Promise<T>,
  initial: T,
  intervalMs = POLL_INTERVAL_MS,
): PolledSignals<T> {
  const data = useSignal(initial);
  const status = useSignal<PollStatus>("live");
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() =>
    startPolling<T>({
      load: (abort) => loadRef.current(abort),
      intervalMs,
      onData: (value) => (data.value = value),
      onStatus: (value) => (status.value = value),
    }), [intervalMs]);
  return { data, status };
}
