// Client entry (Vite): styles, then one lazy chunk per island found on the page, hydrated in place.
// When every island is hydrated, <html data-hydrated="true"> tells tests and tooling.
/// <reference types="vite/client" />
import "./styles.css";
import { type ComponentType, h, hydrate } from "preact";

// deno-lint-ignore no-explicit-any
const islands = import.meta.glob<{ default: ComponentType<any> }>("../islands/*.tsx");

async function hydrateIsland(el: HTMLElement): Promise<void> {
  const load = islands[`../islands/${el.dataset.island}.tsx`];
  if (!load) throw new Error(`unknown island ${el.dataset.island}`);
  const { default: Island } = await load();
  hydrate(h(Island, JSON.parse(el.dataset.props ?? "{}")), el);
}

const markers = [...document.querySelectorAll<HTMLElement>("fresh-island")];
Promise.all(markers.map(hydrateIsland)).then(
  () => (document.documentElement.dataset.hydrated = "true"),
  (error) => {
    document.documentElement.dataset.hydrated = "error";
    console.error(error);
  },
);
