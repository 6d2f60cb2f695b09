// The live islands' polling (lib/admin/live_poll.ts startPolling) as signals (@preact/signals):
// `initial` until the first refresh, then whatever `load` returns every `intervalMs` while the
// document is visible, with the poll's status; a component reads `.value`.
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
