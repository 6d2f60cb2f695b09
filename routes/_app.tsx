// The HTML document around every page: head with the built assets and the external theme boot
// script (before paint, so there is no flash of the wrong theme), and the page as body.
import { AssetTags, type LayoutProps } from "../lib/fresh/mod.ts";
import type { State } from "../lib/state.ts";

export default function App({ Component, state }: LayoutProps<State>) {
  // A public read-only instance wants its dashboards found (robots.txt and sitemap.xml agree).
  const robots = state.services.config.publicMode ? "index, follow" : "noindex, nofollow";
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content={robots} />
        <title>Echelon Analytics</title>
        <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
        <script src="/theme.js"></script>
        <AssetTags />
      </head>
      <body class="min-h-screen bg-slate-50 text-slate-900 antialiased dark:bg-slate-950 dark:text-slate-100">
        <Component />
      </body>
    </html>
  );
}
