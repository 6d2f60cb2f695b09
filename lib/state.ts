// The per-request state every route sees as `ctx.state`.
import type { Context } from "./fresh/mod.ts";
import type { Services } from "./services.ts";

export interface State {
  services: Services;
}

export type Ctx = Context<State>;
