// The per-request state every route sees as `ctx.state`.
import type { Context } from "./fresh/mod.ts";
import type { FrameSiteLookups } from "./admin/frame.ts";
import type { Services } from "./services.ts";

export interface State {
  services: Services;
  /**
   * The signed-in admin's username, set by the /admin and /api middleware from the session
   * cookie; null for anonymous requests (public mode, the login page, bearer-token API calls).
   */
  username: string | null;
  /**
   * This request gets public mode's view (lib/public): ECHELON_PUBLIC_MODE is on and the request
   * carries no valid credentials (the API middleware clears it for the owner's bearer token, API
   * key or session). Admin pages of a public instance are always in it: read-only, aggregates.
   */
  publicMode: boolean;
  /**
   * The zone admin pages show times in (lib/admin/settings.ts, `displayTimezone`): set by the
   * /admin middleware; ECHELON_DISPLAY_TIMEZONE until then.
   */
  timezone: string;
  /**
   * What the admin frame (lib/admin/frame.ts) shows of the sites, fetched from the store by the
   * /admin middleware before the page runs; null elsewhere (the frame then offers no sites).
   */
  frameSites: FrameSiteLookups | null;
  /** The API key the request signed with, set by the /api middleware once it verified it. */
  apiKeyId: number | null;
  /**
   * Sends a request through this same app in process (every middleware and route), as if from
   * `remoteAddr`: how /mcp calls the API with its caller's own credentials.
   */
  subrequest: Subrequest;
}

export type Subrequest = (req: Request, remoteAddr: string) => Promise<Response>;

const noSubrequests: Subrequest = () =>
  Promise.reject(new Error("this state was built without an app to send sub-requests to"));

export type Ctx = Context<State>;

/** The state a request starts with, before any middleware. */
export function initialState(services: Services, subrequest = noSubrequests): State {
  return {
    services,
    username: null,
    publicMode: services.config.publicMode,
    timezone: services.config.displayTimezone,
    frameSites: null,
    apiKeyId: null,
    subrequest,
  };
}
