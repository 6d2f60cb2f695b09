// Bounce (T4): no trusted interaction within 120 s (`trigger: "timeout"`), or the page hidden
// before any (`trigger: "unload"`). Rearmed on every SPA navigation.
import { emit } from "./transport.ts";
import { later, now, seconds } from "./util.ts";

let armedAt = 0;
let timer = 0;
/** Interacted, or already reported: nothing more to send for this page view. */
let settled = false;

export function armBounce(): void {
  cancelBounce();
  settled = false;
  armedAt = now();
  timer = later(() => reportBounce("timeout"), 120_000);
}

export function cancelBounce(): void {
  settled = true;
  clearTimeout(timer);
}

export function reportBounce(trigger: string): void {
  if (settled) return;
  cancelBounce();
  emit("bounce", { dwell: seconds(now() - armedAt), trigger });
}
