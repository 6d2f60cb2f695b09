// Bearer-token access to the API: `Authorization: Bearer <ECHELON_SECRET>`, only when the secret
// was set explicitly (a generated instance secret is never a password). Constant-time compare.
import { timingSafeEqualBytes } from "../keys.ts";

const encoder = new TextEncoder();

export function bearerMatches(authorization: string | null, secret: string): boolean {
  if (!secret || !authorization) return false;
  const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
  if (!match) return false;
  const given = encoder.encode(match[1]);
  const expected = encoder.encode(secret);
  // Compare equal-length digests' worth of bytes so the length check leaks nothing useful.
  return given.length === expected.length && timingSafeEqualBytes(given, expected);
}
