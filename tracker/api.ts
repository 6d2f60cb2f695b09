// `window.echelon`, the only global (T13): `track(name, props)` sends a `custom` event whose
// `name` metrics and experiments match on; `experiment(id, variants?)` assigns a variant. For a
// visitor who opted out (DNT, GPC, automation) both still work but send nothing.
import { assign, type Variant } from "./experiment.ts";
import { emit } from "./transport.ts";
import { cut } from "./util.ts";

export interface EchelonApi {
  track(name: string, props?: Record<string, unknown>): void;
  experiment(id: string, variants?: Variant[]): string;
}

export function createApi(tracking: boolean): EchelonApi {
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
    experiment(id, variants) {
      try {
        return assign(cut(id, 128), variants, tracking);
      } catch {
        return "control";
      }
    },
  };
}
