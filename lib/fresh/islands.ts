// Islands: components from islands/ render on the server inside a <fresh-island> marker that
// carries their name and JSON props; client/main.ts hydrates each marker with the same component.
// Props travel in an attribute that preact-render-to-string escapes (& < > "), so a prop holding
// `</script>` or a quote cannot break out of the markup (no inline script is ever emitted).
import { type ComponentType, createContext, h, options, type VNode } from "preact";
import { useContext } from "preact/hooks";

const InIsland = createContext(false);
// deno-lint-ignore no-explicit-any
type AnyComponent = ComponentType<any>;
const wrappers = new Map<AnyComponent, AnyComponent>();
let hookInstalled = false;

export function registerIsland(name: string, component: AnyComponent): void {
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name)) throw new Error(`invalid island name "${name}"`);
  // h() below passes through options.vnode again; resetting the type stops the wrapper from
  // wrapping itself forever.
  const raw = (props: Record<string, unknown>) => {
    const vnode = h(component, props);
    (vnode as { type: unknown }).type = component;
    return vnode;
  };
  const Wrapper = (props: Record<string, unknown>) => {
    if (useContext(InIsland)) return raw(props); // an island inside an island is a plain component
    const { children: _children, ...serialisable } = props;
    return h(
      InIsland.Provider,
      { value: true },
      h(
        "fresh-island",
        { "data-island": name, "data-props": serializeProps(serialisable) },
        raw(props),
      ),
    );
  };
  wrappers.set(component, Wrapper);
  installHook();
}

export function serializeProps(props: Record<string, unknown>): string {
  return JSON.stringify(props, (_key, value) => {
    if (typeof value === "function" || typeof value === "symbol") {
      throw new TypeError("island props must be JSON-serialisable");
    }
    return value;
  });
}

function installHook(): void {
  if (hookInstalled) return;
  hookInstalled = true;
  const previous = options.vnode;
  options.vnode = (vnode: VNode) => {
    const wrapper = wrappers.get(vnode.type as AnyComponent);
    if (wrapper) (vnode as { type: unknown }).type = wrapper;
    previous?.(vnode);
  };
}

/** Registers every default export of `dir` (islands/) under its file name. */
export async function loadIslands(dir: URL): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (!entry.isFile || !/\.(tsx|jsx|ts)$/.test(entry.name)) continue;
    const name = entry.name.replace(/\.(tsx|jsx|ts)$/, "");
    const module = await import(new URL(entry.name, dir).href);
    if (typeof module.default !== "function") {
      throw new Error(`islands/${entry.name} must export a default component`);
    }
    registerIsland(name, module.default);
    names.push(name);
  }
  return names.sort();
}
