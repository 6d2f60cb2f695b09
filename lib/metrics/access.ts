// Who may read GET /metrics: anyone when ECHELON_METRICS_PUBLIC=true; otherwise a scraper with
// `Authorization: Bearer <ECHELON_METRICS_TOKEN>`, the admin's bearer token (ECHELON_SECRET), an
// API key of either scope (reading figures is a read), or a signed-in admin. Public mode does not
// open it: its anonymous readers get 403 `not_public`, like any internal figure.
import { bearerToken, invalidKeyResponse, isApiKeyToken, verifyApiKey } from "../auth/api_keys.ts";
import { bearerMatches } from "../auth/bearer.ts";
import { sessionForRequest } from "../auth/sessions.ts";
import { jsonError } from "../http_error.ts";
import { NOT_PUBLIC } from "../public/refusal.ts";
import type { Services } from "../services.ts";

const CHALLENGE = 'Bearer realm="echelon-metrics"';

/** The refusal for a request that may not read the metrics, or null when it may. */
export async function metricsRefusal(services: Services, req: Request): Promise<Response | null> {
  const { config } = services;
  if (config.metricsPublic) return null;
  const authorization = req.headers.get("authorization");
  if (bearerMatches(authorization, config.metricsToken)) return null;
  if (bearerMatches(authorization, config.secret)) return null;
  const token = bearerToken(authorization);
  if (token !== null && isApiKeyToken(token)) {
    const verdict = await verifyApiKey(services, token);
    return verdict.ok ? null : invalidKeyResponse(verdict.reason);
  }
  if (await sessionForRequest(services, req)) return null;
  if (token !== null) {
    return jsonError(401, "unauthorized", "This bearer token may not read the metrics", {
      "www-authenticate": `${CHALLENGE}, error="invalid_token"`,
    });
  }
  if (config.publicMode) {
    return jsonError(
      403,
      NOT_PUBLIC,
      "Metrics are not part of the public view: scrape with ECHELON_METRICS_TOKEN or an API key, " +
        "or set ECHELON_METRICS_PUBLIC=true",
    );
  }
  return jsonError(
    401,
    "unauthorized",
    "Metrics need a bearer token: ECHELON_METRICS_TOKEN, an API key or ECHELON_SECRET " +
      "(or ECHELON_METRICS_PUBLIC=true)",
    { "www-authenticate": CHALLENGE },
  );
}
