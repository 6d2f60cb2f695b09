// `window.echelon`, the only global (T13): `track(name, props)` sends a `custom` event whose
// `name` metrics and experiments match on; `experiment(id, variants)` assigns a variant, and
// `experiment(id)` fetches the experiment's own variants, weights and allocation (GET /x) first,
// answering a promise of the variant ("control" when that fails). For a visitor who opted out
// (DNT, GPC, automation) both still work but send nothing.
import { injected } from "./config.ts";
import { assign, type Variant } from "./experiment.ts";
import { emit } from "./transport.ts";
import { cut, fetchOriginal } from "./util.ts";

export interface EchelonApi {
  track(name: string, props?: Record<string, unknown>): void;
  experiment(id: string, variants?: Variant[]): string | Promise<string>;
}

export function createApi(tracking: boolean): EchelonApi {
  // Without variants: the definition as the server has it (GET /x, routes/x.ts: the variants,
  // control first, and an unexposed bucket for the tabs outside the allocation), then assigned
  // like variants given in the page; "control" when anything fails. Unencoded: experiment ids
  // are letters, digits, . _ - (others are refused, so control).
  const experiment = (id: string, variants?: Variant[]): string | Promise<string> => {
    try {
      return variants ? assign(id, tracking, variants) : fetchOriginal(injected.o + "/x?" + id)
        .then((response) => response.json())
        .then((list) => assign(id, tracking, list))
        .catch(() => "control");
    } catch {
      return "control";
    }
  };
  return {
    track(name, props) {
      try {
        const data: Record<string, unknown> = {};
        let kept = 0;
        for (const key of Object.keys(props || {})) {
          // At most 16 own keys, never one that could reach a prototype.
          if (!/^(__proto__|constructor|prototype)$/.test(key) && kept++ < 16) {
            data[cut(key, 64)] = cut(props![key], 512);
          }
        }
        data.name = cut(name, 128);
        if (tracking) emit("custom", data);
      } catch {
        // Exotic props (throwing getters, revoked proxies): the event is dropped.
      }
    },
    experiment,
  };
}
