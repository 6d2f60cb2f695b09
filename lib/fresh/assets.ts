// Client asset tags: hashed files from Vite's manifest in production, the Vite dev server's
// entry in development (`VITE_DEV`), handed to pages through a context.
import { createContext, Fragment, h } from "preact";
import { useContext } from "preact/hooks";

export interface ClientAssets {
  scripts: string[];
  styles: string[];
}

const CLIENT_ENTRY = "client/main.ts";

export function readClientAssets(distDir: URL, devUrl = ""): ClientAssets {
  if (devUrl) {
    return { scripts: [`${devUrl}/@vite/client`, `${devUrl}/${CLIENT_ENTRY}`], styles: [] };
  }
  let manifest: Record<string, { file: string; css?: string[] }>;
  try {
    manifest = JSON.parse(Deno.readTextFileSync(new URL(".vite/manifest.json", distDir)));
  } catch (error) {
    throw new Error("client assets are not built: run `deno task build` first", { cause: error });
  }
  const entry = manifest[CLIENT_ENTRY];
  if (!entry) throw new Error(`Vite manifest has no entry for ${CLIENT_ENTRY}`);
  return { scripts: [`/${entry.file}`], styles: (entry.css ?? []).map((file) => `/${file}`) };
}

export const AssetsContext = createContext<ClientAssets>({ scripts: [], styles: [] });

/** The <link> and <script> tags of the client bundle; place it in _app's <head>. */
export function AssetTags() {
  const assets = useContext(AssetsContext);
  return h(
    Fragment,
    null,
    ...assets.styles.map((href) => h("link", { rel: "stylesheet", href })),
    ...assets.scripts.map((src) => h("script", { type: "module", src })),
  );
}
