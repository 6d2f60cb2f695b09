// Page rendering: the page inside its layouts (outermost first) inside _app, to an HTML string.
import { type ComponentType, h, type VNode } from "preact";
import { renderToString } from "preact-render-to-string";
import { AssetsContext, type ClientAssets } from "./assets.ts";

// deno-lint-ignore no-explicit-any
type AnyComponent = ComponentType<any>;

export interface RenderTarget {
  app: AnyComponent | null;
  layouts: AnyComponent[];
  component: AnyComponent;
}

export function renderPage(
  target: RenderTarget,
  props: Record<string, unknown>,
  assets: ClientAssets,
): string {
  let tree: VNode = h(target.component, props);
  for (const layout of [...target.layouts].reverse()) {
    const inner = tree;
    tree = h(layout, { ...props, Component: () => inner });
  }
  if (target.app) {
    const inner = tree;
    tree = h(target.app, { ...props, Component: () => inner });
  }
  return "<!DOCTYPE html>" + renderToString(h(AssetsContext.Provider, { value: assets }, tree));
}
