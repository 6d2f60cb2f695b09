// The client's IP (DESIGN decision 1): the TCP peer address, unless the operator says a proxy or
// Cloudflare sits in front; only then are forwarding headers believed.
import type { Config } from "../config.ts";

export type IpTrust = Pick<Config, "trustProxy" | "behindCloudflare">;

export function clientIp(headers: Headers, remoteAddr: string, trust: IpTrust): string {
  if (trust.behindCloudflare) {
    const cf = headers.get("cf-connecting-ip")?.trim();
    if (cf && isPlausibleIp(cf)) return cf;
  }
  if (trust.trustProxy) {
    const forwarded = headers.get("x-forwarded-for");
    if (forwarded) {
      const first = forwarded.split(",")[0].trim();
      if (isPlausibleIp(first)) return first;
    }
    const real = headers.get("x-real-ip")?.trim();
    if (real && isPlausibleIp(real)) return real;
  }
  return remoteAddr || "unknown";
}

/** Cheap shape check: header values are attacker-controlled and end up in keys and logs. */
function isPlausibleIp(value: string): boolean {
  return value.length <= 45 && /^[0-9a-fA-F:.]+$/.test(value);
}
