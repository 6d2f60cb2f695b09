// Test helpers for signed-in requests: fixed admin credentials (a 1000-iteration hash, so test
// apps stay fast; the verifier accepts any iteration count in the string) and `loginCookie`,
// which signs in through the real login form and returns the Cookie header value.
import { TEST_ORIGIN, type TestApp } from "./_helpers.ts";

export const TEST_USERNAME = "admin";
export const TEST_PASSWORD = "test-password";
/** PBKDF2-SHA256, 1000 iterations, of TEST_PASSWORD. */
export const TEST_PASSWORD_HASH =
  "pbkdf2$1000$XDEDgPyHDqQzoLGFBZ7F0Q==$OicFKH3gjOGHfpYZudNzG99BkdpqWRotlBmEaxwhSGY=";
/** Env for createTestApp with the test credentials configured. */
export const AUTH_ENV: Readonly<Record<string, string>> = {
  ECHELON_USERNAME: TEST_USERNAME,
  ECHELON_PASSWORD_HASH: TEST_PASSWORD_HASH,
};

export interface LoginOptions {
  username?: string;
  password?: string;
  /** Client IP of the login request (defaults to the helper's usual test IP). */
  ip?: string;
  /** Origin header sent with the form (defaults to the test app's own origin). */
  origin?: string;
}

/**
 * Signs in on an app created with AUTH_ENV (or other credentials given in `options`) and returns
 * `echelon_session=<token>`, ready for a `cookie` request header. Throws when sign-in fails.
 */
export async function loginCookie(app: TestApp, options: LoginOptions = {}): Promise<string> {
  const res = await app.request("/admin/login", {
    method: "POST",
    ip: options.ip,
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      origin: options.origin ?? TEST_ORIGIN,
    },
    body: new URLSearchParams({
      username: options.username ?? TEST_USERNAME,
      password: options.password ?? TEST_PASSWORD,
    }),
  });
  await res.body?.cancel();
  const cookie = res.headers.get("set-cookie")?.split(";")[0];
  if (res.status !== 303 || !cookie?.startsWith("echelon_session=")) {
    throw new Error(`login failed: ${res.status} ${res.headers.get("set-cookie")}`);
  }
  return cookie;
}
