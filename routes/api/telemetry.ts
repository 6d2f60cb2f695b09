// GET /api/telemetry: {telemetry: "on"|"off"|"undecided", envOverride, locked, endpoint_configured,
// sending, payload, last_sent_at, last_attempt} — the payload is the exact JSON the daily ping
// sends. An instance setting: not public (lib/public/policy.ts).
// POST /api/telemetry {optin: boolean} (JSON, answered with JSON) or the Settings card's form
// `optin=true|false` (answered with a 303 back to Settings): records the admin's choice. 409
// locked when ECHELON_TELEMETRY decides; 403 read_only in public mode, always (the reference
// let anyone flip it there, W12); 403 insufficient_scope for API keys (an admin session or
// ECHELON_SECRET decides instance settings).
import { setTelemetry } from "../../lib/api/operations/instance.ts";
import { readBody } from "../../lib/api/validate.ts";
import { assertWritable, redirectWithNotice } from "../../lib/admin/forms.ts";
import { assertInstanceAdmin } from "../../lib/auth/instance_admin.ts";
import { readBodyCapped } from "../../lib/http_body.ts";
import { HttpError } from "../../lib/http_error.ts";
import type { Ctx } from "../../lib/state.ts";
import {
  buildTelemetryPayload,
  setTelemetryOptIn,
  telemetryStatus,
} from "../../lib/telemetry/mod.ts";

const MAX_BODY_BYTES = 1024;

/** `{optin: boolean}` as JSON, or `optin=true|false` as a form (lib/api/operations/instance.ts). */
async function readOptIn(ctx: Ctx): Promise<{ optIn: boolean; form: boolean }> {
  const type = (ctx.req.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
  const text = new TextDecoder().decode(await readBodyCapped(ctx.req, MAX_BODY_BYTES));
  const form = type === "application/x-www-form-urlencoded";
  const { optin } = readBody(setTelemetry, form ? formOptIn(text) : parsedJson(text));
  return { optIn: optin, form };
}

function formOptIn(text: string): { optin?: boolean } {
  const value = new URLSearchParams(text).get("optin");
  return value === "true" || value === "false" ? { optin: value === "true" } : {};
}

/** The body as JSON; text that is not JSON is refused by the schema like any bad body. */
function parsedJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export const handler = {
  async GET(ctx: Ctx) {
    const services = ctx.state.services;
    const status = await telemetryStatus(services);
    return Response.json({
      telemetry: status.state,
      envOverride: status.envOverride,
      locked: status.envOverride !== null,
      sending: status.sending,
      endpoint_configured: status.endpoint !== "",
      endpoint: status.endpoint || null,
      payload: await buildTelemetryPayload(services),
      last_sent_at: status.lastSentAt,
      last_attempt: status.lastAttempt,
    });
  },

  async POST(ctx: Ctx) {
    assertWritable(ctx);
    assertInstanceAdmin(ctx);
    const choice = await readOptIn(ctx);
    const outcome = await setTelemetryOptIn(ctx.state.services, choice.optIn);
    if (outcome.kind === "locked") {
      throw new HttpError(
        409,
        "locked",
        `ECHELON_TELEMETRY=${outcome.envOverride === "on" ? "true" : "false"} is set in the ` +
          "server's environment and decides; unset it to choose here",
      );
    }
    if (choice.form) {
      return redirectWithNotice("/admin/settings", choice.optIn ? "telemetry_on" : "telemetry_off");
    }
    return Response.json({ telemetry: outcome.state });
  },
};
